// The timer behind the jobs that run inside the server (two-factor reminders, housekeeping). A
// pass must be safe to run from several instances at once; this only schedules it in one process.

export interface PeriodicJobLogger {
  error(object: object, message: string): void;
}

export interface PeriodicJob {
  /** Stops the timer and waits for a pass in progress. */
  stop(): Promise<void>;
}

/** The first pass runs shortly after start, not a whole interval later. */
export const firstPassDelayInMs = 1000;

/**
 * Runs `run` every `intervalInMs`, first after `firstPassDelayInMs`. A slow pass is not overlapped
 * by the next tick (that tick is skipped); a failed pass is logged and the next tick runs as usual.
 */
export function startPeriodicJob(name: string, run: () => Promise<unknown>, intervalInMs: number, logger: PeriodicJobLogger): PeriodicJob {
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running) return;
    running = Promise.resolve()
      .then(run)
      .then(
        () => undefined,
        (error: unknown) => logger.error({ err: error instanceof Error ? error.message : String(error) }, `${name} job failed`),
      )
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalInMs);
  // The job never keeps the process alive on its own.
  timer.unref();
  const first = setTimeout(tick, firstPassDelayInMs);
  first.unref();
  return {
    async stop() {
      clearInterval(timer);
      clearTimeout(first);
      await running;
    },
  };
}
