// M1: the users grid's query. Every sort order has an index that starts with the organization
// and ends with the id (migration 0003), so a page is an index range scan that stops after
// `limit` rows, with the keyset cursor continuing exactly where the previous page ended.
import { SqliteAdapter, sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { DirectoryQuery, DirectorySortKey } from '../core/user-directory.js';
import type { FactorMethod } from '../core/webauthn.js';
import type { Database, User } from './schema.js';
import { normalizeForSearch } from './users.js';

export type UserWithFactors = User & { hasTwoFactor: boolean; methods?: FactorMethod[] };

/** W6: the members who have a second factor of this kind (an indexed look-up per member). */
function hasMethod(method: FactorMethod): Expression<SqlBool> {
  switch (method) {
    case 'totp':
      return sql<SqlBool>`exists (select 1 from totp_credentials f where f.user_id = users.id)`;
    case 'sms':
      return sql<SqlBool>`exists (select 1 from sms_numbers f where f.user_id = users.id)`;
    case 'webauthn':
      return sql<SqlBool>`exists (select 1 from webauthn_credentials f where f.user_id = users.id)`;
  }
}

/** W6 M4: how many members of the organization have each kind of second factor. */
export async function countMembersByMethod(db: Kysely<Database>, organizationId: string): Promise<Record<FactorMethod, number>> {
  const count = async (table: 'totpCredentials' | 'smsNumbers' | 'webauthnCredentials') => {
    const row = await db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<string | number>().as('count'))
      .where('users.organizationId', '=', organizationId)
      .where((eb) => eb.exists(eb.selectFrom(table).select(`${table}.userId` as 'userId').whereRef(`${table}.userId` as 'userId', '=', 'users.id')))
      .executeTakeFirstOrThrow();
    return Number(row.count);
  };
  const [totp, sms, webauthn] = await Promise.all([count('totpCredentials'), count('smsNumbers'), count('webauthnCredentials')]);
  return { totp, sms, webauthn };
}

/** W6: each member's second factors, for one page of the grid. */
export async function listFactorMethods(db: Kysely<Database>, userIds: readonly string[]): Promise<Map<string, FactorMethod[]>> {
  const methods = new Map<string, FactorMethod[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return methods;
  const [totp, sms, webauthn] = await Promise.all([
    db.selectFrom('totpCredentials').select('userId').where('userId', 'in', userIds).execute(),
    db.selectFrom('smsNumbers').select('userId').where('userId', 'in', userIds).execute(),
    db.selectFrom('webauthnCredentials').select('userId').distinct().where('userId', 'in', userIds).execute(),
  ]);
  for (const [method, rows] of [['totp', totp], ['sms', sms], ['webauthn', webauthn]] as const) for (const row of rows) methods.get(row.userId)?.push(method);
  return methods;
}

/** The value each order sorts by; lastLogin puts members who never signed in last (0). */
function sortExpression(sort: DirectorySortKey): Expression<string | number> | undefined {
  switch (sort) {
    case 'created':
      return undefined;
    case 'name':
      return sql<string>`users.name_normalized`;
    case 'email':
      return sql<string>`users.email_normalized`;
    case 'lastLogin':
      return sql<number>`coalesce(users.last_login_at, 0)`;
  }
}

/** The shortest search the SQLite trigram index can answer; shorter ones scan (migration 0007). */
const shortestIndexedSearch = 3;

/**
 * Up to this many members matching anywhere, a search starts from the trigram index's matches
 * (each looked up, then sorted). Beyond it, matches are common, and walking the organization's
 * members in page order with LIKE fills a page after a few hundred rows: the index would only add
 * the cost of collecting thousands of matches first.
 */
export const fewSearchMatches = 2000;

/** An FTS5 phrase matching the text as a substring: double quotes doubled, nothing else special. */
function ftsPhrase(value: string): string {
  return `"${value.replace(/"/g, '""')}"`;
}

/**
 * Members whose e-mail or name contains `term`. On SQLite, a rare term of three characters or
 * more is looked up in the trigram index (migration 0007), so a search that matches few members,
 * or none, no longer reads every member; on PostgreSQL, LIKE uses the pg_trgm indexes (0003).
 */
async function containsSearch(db: Kysely<Database>, term: string): Promise<Expression<SqlBool>> {
  if (db.getExecutor().adapter instanceof SqliteAdapter && [...term].length >= shortestIndexedSearch) {
    const phrase = ftsPhrase(term);
    const matches = await sql<{ count: number }>`select count(*) as count from (select rowid from users_search where users_search match ${phrase} limit ${fewSearchMatches + 1})`.execute(db);
    if (Number(matches.rows[0]?.count ?? 0) <= fewSearchMatches) return sql<SqlBool>`users.rowid in (select rowid from users_search where users_search match ${phrase})`;
  }
  const pattern = `%${escapeLike(term)}%`;
  return sql<SqlBool>`(users.email_normalized like ${pattern} escape '\\' or users.name_normalized like ${pattern} escape '\\')`;
}

/** Makes percent, underscore and backslash match themselves under LIKE with a backslash ESCAPE. */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}

export async function listDirectory(
  db: Kysely<Database>,
  organization: { id: string; requiresTwoFactor: boolean },
  query: DirectoryQuery,
): Promise<UserWithFactors[]> {
  const sortBy = sortExpression(query.sort);
  const descending = query.direction === 'desc';
  let select = db
    .selectFrom('users')
    .selectAll('users')
    .where('users.organizationId', '=', organization.id);

  if (query.twoFactor) select = select.where('users.twoFactorEnabled', '=', query.twoFactor === 'on' ? 1 : 0);
  if (query.required !== undefined) {
    // Under an organization-wide requirement everyone is required.
    if (organization.requiresTwoFactor) select = query.required ? select : select.where(sql<SqlBool>`1 = 0`);
    else select = select.where('users.twoFactorRequired', '=', query.required ? 1 : 0);
  }
  if (query.role) select = select.where('users.role', '=', query.role);
  if (query.method) select = select.where(hasMethod(query.method));
  if (query.search) select = select.where(await containsSearch(db, normalizeForSearch(query.search)));
  if (query.after) {
    const { value, id } = query.after;
    const beyond = descending ? sql.raw('<') : sql.raw('>');
    // A row-value comparison, which both databases answer with an index seek.
    select = select.where(sortBy === undefined ? sql<SqlBool>`users.id ${beyond} ${id}` : sql<SqlBool>`(${sortBy}, users.id) ${beyond} (${value}, ${id})`);
  }
  if (sortBy !== undefined) select = select.orderBy(sortBy, descending ? 'desc' : 'asc');
  const rows = await select.orderBy('users.id', descending ? 'desc' : 'asc').limit(query.limit).execute();
  return rows.map((user) => ({ ...user, hasTwoFactor: user.twoFactorEnabled === 1 }));
}

/** The cursor value of a row for the given order (the same expression as sortExpression). */
export function sortValueOf(user: User, sort: DirectorySortKey): string | number | null {
  switch (sort) {
    case 'created':
      return null;
    case 'name':
      return user.nameNormalized;
    case 'email':
      return user.emailNormalized;
    case 'lastLogin':
      return user.lastLoginAt ?? 0;
  }
}
