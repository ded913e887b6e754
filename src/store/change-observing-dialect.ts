// Issue 16 item 3: the session cache (session-cache.ts) must forget what it holds the moment this
// process changes data. Every statement Kysely runs passes through this driver; any statement
// that is not a plain read is reported before it runs and after it ends, and so is every commit
// (a change becomes visible to other connections only then). Deciding by statement kind rather
// than by table keeps it right for statements written tomorrow: at worst it forgets too often.
import type { CompiledQuery, DatabaseConnection, Dialect, Driver, QueryResult, TransactionSettings } from 'kysely';

/**
 * The one write that is not reported: a session's last-seen time, moved at most once a minute per
 * session (session-lookup.ts reads it only for the idle deadline, which is re-read from the
 * database before a session is ended for idling). Both dialects' text of `touchSession`.
 */
const sessionTouch = /^update "sessions" set "last_seen_at" = (\?|\$1) where "id" = (\?|\$2)$/;

/** Whether a statement may change what a reader sees: everything but a plain read and the touch. */
export function mayChangeData(sqlText: string): boolean {
  const text = sqlText.trimStart();
  if (/^select\b/i.test(text)) return false;
  return !sessionTouch.test(text);
}

export function observeChanges(dialect: Dialect, onChange: () => void): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createDriver: () => changeObservingDriver(dialect.createDriver(), onChange),
  };
}

function changeObservingDriver(driver: Driver, onChange: () => void): Driver {
  // Drivers keep private state on their own connection objects: hand them back their own.
  const observed = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const original = new WeakMap<DatabaseConnection, DatabaseConnection>();
  const originalOf = (connection: DatabaseConnection) => original.get(connection) ?? connection;

  function observe(connection: DatabaseConnection): DatabaseConnection {
    let wrapper = observed.get(connection);
    if (!wrapper) {
      wrapper = {
        async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
          if (!mayChangeData(query.sql)) return connection.executeQuery<R>(query);
          onChange();
          try {
            return await connection.executeQuery<R>(query);
          } finally {
            onChange();
          }
        },
        streamQuery<R>(query: CompiledQuery, chunkSize?: number) {
          if (mayChangeData(query.sql)) onChange();
          return connection.streamQuery<R>(query, chunkSize);
        },
      };
      observed.set(connection, wrapper);
      original.set(wrapper, connection);
    }
    return wrapper;
  }

  const savepoints: Pick<Driver, 'savepoint' | 'rollbackToSavepoint' | 'releaseSavepoint'> = {};
  if (driver.savepoint) savepoints.savepoint = (connection, name, compile) => driver.savepoint!(originalOf(connection), name, compile);
  if (driver.rollbackToSavepoint) savepoints.rollbackToSavepoint = (connection, name, compile) => driver.rollbackToSavepoint!(originalOf(connection), name, compile);
  if (driver.releaseSavepoint) savepoints.releaseSavepoint = (connection, name, compile) => driver.releaseSavepoint!(originalOf(connection), name, compile);

  return {
    init: () => driver.init(),
    acquireConnection: async () => observe(await driver.acquireConnection()),
    beginTransaction: (connection, settings: TransactionSettings) => driver.beginTransaction(originalOf(connection), settings),
    async commitTransaction(connection) {
      try {
        await driver.commitTransaction(originalOf(connection));
      } finally {
        onChange();
      }
    },
    rollbackTransaction: (connection) => driver.rollbackTransaction(originalOf(connection)),
    ...savepoints,
    releaseConnection: (connection) => driver.releaseConnection(originalOf(connection)),
    destroy: () => driver.destroy(),
  };
}
