// Hot statements built once. Kysely builds and compiles every query anew (the operation tree, the
// CamelCasePlugin's renaming, the SQL text): on the sign-in path that cost more CPU than running
// the small statements themselves (about 0.1 ms per statement on this machine). A prepared
// statement is compiled on its first use per database with a marker in place of each value; each
// call then runs the same SQL text with its own values put where the markers were. SQLite reuses
// its prepared statement (database.ts), PostgreSQL gets the same text every time.
import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './schema.js';

const marker = '\u0000tessera-value:';

export type PreparedStatement<Values extends object, Row> = (db: Kysely<Database>, values: Values) => Promise<QueryResult<Row>>;

/**
 * `build` receives markers (strings) typed as the values; it may use them only as values (compared,
 * set, inserted), never to decide what the statement looks like.
 */
export function prepareStatement<Values extends object, Row>(names: ReadonlyArray<keyof Values & string>, build: (db: Kysely<Database>, values: Values) => Compilable<Row>): PreparedStatement<Values, Row> {
  // One per database: a transaction shares its database's dialect adapter.
  const compiledFor = new WeakMap<object, CompiledQuery<Row>>();
  const markers = Object.fromEntries(names.map((name) => [name, `${marker}${name}`])) as unknown as Values;
  return (db, values) => {
    const adapter = dialectAdapterOf(db);
    let compiled = compiledFor.get(adapter);
    if (!compiled) {
      compiled = build(db, markers).compile();
      const used = new Set(compiled.parameters.filter((p): p is string => typeof p === 'string' && p.startsWith(marker)));
      if (used.size !== names.length) throw new Error(`prepared statement: ${names.length - used.size} value(s) unused in ${compiled.sql}`);
      compiledFor.set(adapter, compiled);
    }
    const parameters = compiled.parameters.map((p) => (typeof p === 'string' && p.startsWith(marker) ? (values as Record<string, unknown>)[p.slice(marker.length)] : p));
    return db.executeQuery(CompiledQuery.raw(compiled.sql, parameters) as CompiledQuery<Row>);
  };
}

function dialectAdapterOf(db: Kysely<Database>): object {
  // Kysely's executor is marked internal but is how a transaction reaches its database's adapter.
  return (db.getExecutor() as unknown as { adapter: object }).adapter;
}

export function changedRows(result: QueryResult<unknown>): number {
  return Number(result.numAffectedRows ?? 0n);
}
