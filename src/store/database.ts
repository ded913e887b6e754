// Opens the one database Tessera runs on: a SQLite file by default, PostgreSQL for a postgres:// URL.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { CamelCasePlugin, Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase as SqliteDialectDatabase } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.js';
import { observeChanges } from './change-observing-dialect.js';
import { cacheSessionLookups } from './session-cache.js';
import { listenForSessionChanges, watchSqliteDataVersion } from './session-change-feeds.js';
import { startCheckpointer, writerCheckpointPages } from './sqlite-checkpointer.js';
import { createPostgresSessionLookup, createSqliteSessionLookup, type SessionLookup } from './session-lookup.js';

export type DatabaseKind = 'sqlite' | 'postgres';

export interface Store {
  db: Kysely<Database>;
  kind: DatabaseKind;
  sessions: SessionLookup;
  /** N2: the PostgreSQL pool's connections (SQLite has one connection and none to report). */
  poolStats?: () => { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

export function isPostgresUrl(url: string): boolean {
  return url.startsWith('postgres://') || url.startsWith('postgresql://');
}

export interface StoreOptions {
  /**
   * Issue 16 item 3: keep recent session look-ups (session-cache.ts), forgotten on every change
   * (SESSION_CACHE, on by default for the server; off for one-off commands that need no listener).
   */
  sessionCache?: boolean;
  /** SQLite: checkpoint the write-ahead log on a worker thread (sqlite-checkpointer.ts); on for the runtime (server and commands). */
  backgroundCheckpoints?: boolean;
}

/** How many session look-ups a server keeps (about 1 KB each). */
const cachedSessionLimit = 10_000;
/** SQLite: how old another process's change may be before this one sees it (session-change-feeds.ts). */
const sqliteChangeCheckIntervalInMs = 200;
/** SQLite: how often the worker checkpoints the write-ahead log. */
const checkpointIntervalInMs = 100;

export function openStore(databaseUrl: string, options: StoreOptions = {}): Store {
  return isPostgresUrl(databaseUrl) ? openPostgres(databaseUrl, options) : openSqlite(databaseUrl, options);
}

function openSqlite(path: string, options: StoreOptions): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SqliteDatabase(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // WAL with synchronous=NORMAL is durable across application crashes and much faster.
  sqlite.pragma('synchronous = NORMAL');
  const checkpointer = options.backgroundCheckpoints && path !== ':memory:' ? startCheckpointer(path, checkpointIntervalInMs) : undefined;
  if (checkpointer) sqlite.pragma(`wal_autocheckpoint = ${writerCheckpointPages}`);
  // A second, read-only connection for the session lookup; in-memory databases cannot share one.
  const reader = path === ':memory:' ? sqlite : new SqliteDatabase(path, { readonly: true });
  if (reader !== sqlite) reader.pragma('busy_timeout = 5000');
  const lookup = createSqliteSessionLookup(reader);
  const cache = options.sessionCache ? cacheSessionLookups(lookup, { maxEntries: cachedSessionLimit, feedConnected: true }) : undefined;
  if (cache) watchSqliteDataVersion(reader, cache, sqliteChangeCheckIntervalInMs);
  const sessions = cache ?? lookup;
  const dialect = new SqliteDialect({ database: withStatementCache(sqlite) });
  const db = new Kysely<Database>({ dialect: cache ? observeChanges(dialect, cache.forget) : dialect, plugins: [new CamelCasePlugin()] });
  return {
    db,
    kind: 'sqlite',
    sessions,
    async close() {
      if (reader !== sqlite) sessions.close();
      await checkpointer?.close();
      await db.destroy();
    },
  };
}

const cachedStatementLimit = 500;

/**
 * Kysely prepares every query anew; compiling SQL costs more than running these small queries.
 * Statements are reusable (SQLite re-prepares them itself after a schema change), so keep the
 * most recent ones by their SQL text. Parameters are bound per call, never part of the text.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDialectDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (!statement) {
        statement = sqlite.prepare(text);
        if (statements.size >= cachedStatementLimit) statements.delete(statements.keys().next().value!);
        statements.set(text, statement);
      }
      return statement;
    },
  };
}

// BIGINT (int8) holds our millisecond timestamps and counts; they fit a JS number exactly.
const int8Oid = 20;
const parseInt8 = (value: string) => Number(value);

function openPostgres(url: string, options: StoreOptions): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === int8Oid ? parseInt8 : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle connection can die under the pool (a server restart, an administrator ending it):
  // the pool drops it and the next query opens a new one. Without a listener, that 'error'
  // event would end the whole process.
  pool.on('error', () => undefined);
  const lookup = createPostgresSessionLookup(pool);
  // Off until the listener has its first LISTEN in place (session-change-feeds.ts).
  const cache = options.sessionCache ? cacheSessionLookups(lookup, { maxEntries: cachedSessionLimit, feedConnected: false }) : undefined;
  const listener = cache ? listenForSessionChanges(url, cache) : undefined;
  const dialect = new PostgresDialect({ pool });
  const db = new Kysely<Database>({ dialect: cache ? observeChanges(dialect, cache.forget) : dialect, plugins: [new CamelCasePlugin()] });
  return {
    db,
    kind: 'postgres',
    sessions: cache ?? lookup,
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await listener?.close();
      await db.destroy();
    },
  };
}
