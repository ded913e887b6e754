// Issue 16: SQLite's WAL checkpoints, off the event loop. By default SQLite copies the write-ahead
// log back into the database file (and syncs it) inside the commit that crosses 1,000 pages: the
// request that happens to commit then waits for it, and so does every other request, because
// better-sqlite3 runs on the event loop. A worker thread with its own connection checkpoints the
// log instead, PASSIVE (it never waits for, nor blocks, the writer). The writer keeps a far higher
// automatic threshold as a bound: under writes that never pause, a passive checkpoint never catches
// up with the log's end, and only a checkpoint in the writer's own commit lets the log start over.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface Checkpointer {
  close(): Promise<void>;
}

/** Pages (4 KiB) the log may grow to before the writer checkpoints in its own commit. */
export const writerCheckpointPages = 8_000;

// Plain CommonJS, evaluated in the worker: it runs the same whether Tessera runs from TypeScript
// (tests) or from the build. The driver's path is resolved here so the worker finds the same copy.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driverPath);
const db = new Database(workerData.path);
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or interrupted: the next tick tries again, and the writer's own threshold bounds the log.
  }
}, workerData.intervalInMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

const closeTimeoutInMs = 5_000;

export function startCheckpointer(path: string, intervalInMs: number): Checkpointer {
  const driverPath = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(workerSource, { eval: true, workerData: { path, driverPath, intervalInMs } });
  // A checkpoint that fails to start (the file removed under it) must not end the server.
  worker.on('error', () => undefined);
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async close() {
      worker.postMessage('close');
      const timer = setTimeout(() => void worker.terminate(), closeTimeoutInMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
