import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { firstPassDelayInMs, startPeriodicJob } from './periodic-job.js';

const intervalInMs = 60_000;

/** A pass the test finishes by hand. */
function controllablePasses() {
  const finishers: Array<() => void> = [];
  const run = vi.fn(() => new Promise<void>((resolve) => finishers.push(resolve)));
  return { run, finishNext: () => finishers.shift()?.() };
}

describe('periodic job (reminders, housekeeping)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const logger = () => ({ error: vi.fn() });

  it('runs first after a second, then every interval', async () => {
    const run = vi.fn(async () => undefined);
    const job = startPeriodicJob('test', run, intervalInMs, logger());
    await vi.advanceTimersByTimeAsync(firstPassDelayInMs - 1);
    expect(run).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(intervalInMs - firstPassDelayInMs);
    expect(run).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(intervalInMs);
    expect(run).toHaveBeenCalledTimes(3);
    await job.stop();
  });

  it('never overlaps a slow pass: ticks during it are skipped', async () => {
    const { run, finishNext } = controllablePasses();
    const job = startPeriodicJob('test', run, intervalInMs, logger());
    await vi.advanceTimersByTimeAsync(firstPassDelayInMs);
    expect(run).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(3 * intervalInMs);
    expect(run).toHaveBeenCalledTimes(1);
    finishNext();
    await vi.advanceTimersByTimeAsync(intervalInMs);
    expect(run).toHaveBeenCalledTimes(2);
    finishNext();
    await job.stop();
  });

  it('stop() waits for the pass in progress and no pass starts afterwards', async () => {
    const { run, finishNext } = controllablePasses();
    const job = startPeriodicJob('test', run, intervalInMs, logger());
    await vi.advanceTimersByTimeAsync(firstPassDelayInMs);
    let stopped = false;
    const stopping = job.stop().then(() => {
      stopped = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(stopped).toBe(false);
    finishNext();
    await stopping;
    expect(stopped).toBe(true);
    await vi.advanceTimersByTimeAsync(10 * intervalInMs);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('stop() before the first pass means no pass at all', async () => {
    const run = vi.fn(async () => undefined);
    const job = startPeriodicJob('test', run, intervalInMs, logger());
    await job.stop();
    await vi.advanceTimersByTimeAsync(10 * intervalInMs);
    expect(run).not.toHaveBeenCalled();
  });

  it('logs a failed pass (also one that throws synchronously) and keeps running', async () => {
    const log = logger();
    const run = vi
      .fn<() => Promise<unknown>>()
      .mockRejectedValueOnce(new Error('database is down'))
      .mockImplementationOnce(() => {
        throw new Error('bug');
      })
      .mockResolvedValue(undefined);
    const job = startPeriodicJob('housekeeping', run, intervalInMs, log);
    await vi.advanceTimersByTimeAsync(firstPassDelayInMs + 2 * intervalInMs);
    expect(run).toHaveBeenCalledTimes(3);
    expect(log.error.mock.calls).toEqual([
      [{ err: 'database is down' }, 'housekeeping job failed'],
      [{ err: 'bug' }, 'housekeeping job failed'],
    ]);
    await job.stop();
  });
});
