import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, type Dialect } from 'kysely';
import { CamelCasePlugin } from 'kysely';
import { describe, expect, it } from 'vitest';
import { mayChangeData, observeChanges } from './change-observing-dialect.js';
import type { Database } from './schema.js';
import { touchSession } from './sessions.js';

const dialects: Record<string, Dialect> = {
  sqlite: { createAdapter: () => new SqliteAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (db) => new SqliteIntrospector(db), createQueryCompiler: () => new SqliteQueryCompiler() },
  postgres: { createAdapter: () => new PostgresAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (db) => new PostgresIntrospector(db), createQueryCompiler: () => new PostgresQueryCompiler() },
};

describe('which statements make the session cache forget (issue 16 item 3)', () => {
  for (const [name, dialect] of Object.entries(dialects)) {
    it(`${name}: every statement but a read and the last-seen touch, and every commit`, async () => {
      const statements: string[] = [];
      let changes = 0;
      const recording: Dialect = {
        ...dialect,
        createDriver: () => {
          const driver = new DummyDriver();
          const acquire = driver.acquireConnection.bind(driver);
          driver.acquireConnection = async () => {
            const connection = await acquire();
            return { ...connection, executeQuery: async (query) => (statements.push(query.sql), connection.executeQuery(query)), streamQuery: connection.streamQuery.bind(connection) };
          };
          return driver;
        },
      };
      const db = new Kysely<Database>({ dialect: observeChanges(recording, () => changes++), plugins: [new CamelCasePlugin()] });
      await touchSession(db, 'session-1', 1);
      expect(changes).toBe(0);
      await db.selectFrom('users').selectAll().execute();
      expect(changes).toBe(0);
      await db.updateTable('sessions').set({ lastSeenAt: 1, reauthenticatedAt: 1 }).where('id', '=', 'session-1').execute();
      expect(changes).toBe(2);
      await db.transaction().execute(async (trx) => {
        await trx.selectFrom('sessions').selectAll().execute();
      });
      // begin (a statement that is not a read) and the commit itself
      expect(changes).toBeGreaterThanOrEqual(3);
      expect(statements.some((s) => s.startsWith('update "sessions" set "last_seen_at"'))).toBe(true);
    });
  }

  it('reads, writes and anything unknown', () => {
    expect(mayChangeData('select 1')).toBe(false);
    expect(mayChangeData('  SELECT * from users')).toBe(false);
    expect(mayChangeData('with gone as (delete from sessions returning id) select * from gone')).toBe(true);
    expect(mayChangeData('delete from "sessions" where "id" = ?')).toBe(true);
    expect(mayChangeData('update "sessions" set "last_seen_at" = ?, "reauthenticated_at" = ? where "id" = ?')).toBe(true);
    expect(mayChangeData('update "sessions" set "last_seen_at" = ? where "user_id" = ?')).toBe(true);
    expect(mayChangeData('update "sessions" set "last_seen_at" = $1 where "id" = $2')).toBe(false);
  });
});
