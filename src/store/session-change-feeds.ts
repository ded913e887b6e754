// How a server learns that another process changed what its session cache holds (session-cache.ts).
import { performance } from 'node:perf_hooks';
import type SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import type { SessionCache } from './session-cache.js';

/**
 * SQLite: `PRAGMA data_version` on the reading connection moves with every commit made through any
 * other connection — this server's writer, the operator CLI, another process on the same file.
 * Reading it costs as much as a session look-up, so it is read at most every `intervalInMs`: another
 * process's change is seen within that time (this process's own changes at once, through
 * change-observing-dialect.ts).
 */
export function watchSqliteDataVersion(reader: SqliteDatabase.Database, cache: SessionCache, intervalInMs: number): void {
  const dataVersion = reader.prepare<[], number>('pragma data_version').pluck();
  let seen = dataVersion.get();
  let checkedAt = performance.now();
  cache.beforeUse = () => {
    const now = performance.now();
    if (now - checkedAt < intervalInMs) return;
    checkedAt = now;
    const current = dataVersion.get();
    if (current !== seen) {
      seen = current;
      cache.forget();
    }
  };
}

export interface ChangeListener {
  close(): Promise<void>;
}

export const sessionDataChannel = 'tessera_session_data';
const reconnectDelayInMs = 1000;

/**
 * PostgreSQL: LISTEN for the notices of the 0018 triggers on a connection of its own. The cache is
 * off until the first LISTEN succeeds and from the moment the connection fails until a new one
 * listens again (every second), so no notice can be missed while answers are kept.
 */
export function listenForSessionChanges(connectionString: string, cache: SessionCache): ChangeListener {
  let current: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  function lost(client: pg.Client): void {
    if (current !== client) return;
    current = undefined;
    cache.setFeedConnected(false);
    client.end().catch(() => undefined);
    if (!closed) retry = setTimeout(connect, reconnectDelayInMs).unref();
  }

  function connect(): void {
    const client = new pg.Client({ connectionString });
    current = client;
    client.on('notification', () => cache.forget());
    client.on('error', () => lost(client));
    client.on('end', () => lost(client));
    client
      .connect()
      .then(() => client.query(`listen ${sessionDataChannel}`))
      .then(() => {
        if (current === client && !closed) cache.setFeedConnected(true);
      })
      .catch(() => lost(client));
  }

  connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      cache.setFeedConnected(false);
      const client = current;
      current = undefined;
      await client?.end().catch(() => undefined);
    },
  };
}
