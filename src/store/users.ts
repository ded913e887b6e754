import { sql, type Kysely } from 'kysely';
import type { Database, NewUser, SignInMethod, User } from './schema.js';

export async function insertUser(db: Kysely<Database>, user: NewUser): Promise<void> {
  await db.insertInto('users').values({ ...user, nameNormalized: normalizeForSearch(user.name) }).execute();
}

export async function findUserById(db: Kysely<Database>, id: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findUserByEmail(db: Kysely<Database>, emailNormalized: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('emailNormalized', '=', emailNormalized).executeTakeFirst();
}

export async function isEmailRegistered(db: Kysely<Database>, emailNormalized: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('emailNormalized', '=', emailNormalized).executeTakeFirst();
  return row !== undefined;
}

export async function updatePasswordHash(db: Kysely<Database>, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ passwordHash }).where('id', '=', userId).execute();
}

export async function markEmailVerified(db: Kysely<Database>, userId: string, nowInMs: number): Promise<void> {
  await db.updateTable('users').set({ emailVerifiedAt: nowInMs }).where('id', '=', userId).where('emailVerifiedAt', 'is', null).execute();
}

export async function updateUserName(db: Kysely<Database>, userId: string, name: string): Promise<void> {
  await db.updateTable('users').set({ name, nameNormalized: normalizeForSearch(name) }).where('id', '=', userId).execute();
}

export async function recordLogin(db: Kysely<Database>, userId: string, nowInMs: number, method: SignInMethod): Promise<void> {
  await db.updateTable('users').set({ lastLoginAt: nowInMs, lastLoginMethod: method }).where('id', '=', userId).execute();
}

export interface UserListQuery {
  organizationId: string;
  search?: string;
  afterId?: string;
  limit: number;
}

export type UserWithFactors = User & { hasTwoFactor: boolean };

/** Members of one organization in id (creation) order, with an optional name/e-mail search. */
export async function listUsers(db: Kysely<Database>, query: UserListQuery): Promise<UserWithFactors[]> {
  let select = db
    .selectFrom('users')
    .selectAll('users')
    .select((eb) => eb.exists(eb.selectFrom('totpCredentials').select('totpCredentials.userId').whereRef('totpCredentials.userId', '=', 'users.id')).as('hasTotp'))
    .where('organizationId', '=', query.organizationId);
  if (query.search) {
    const pattern = `%${escapeLike(normalizeForSearch(query.search))}%`;
    select = select.where(sql<boolean>`(email_normalized like ${pattern} escape '\\' or name_normalized like ${pattern} escape '\\')`);
  }
  if (query.afterId) select = select.where('id', '>', query.afterId);
  const rows = await select.orderBy('id').limit(query.limit).execute();
  // SQLite answers EXISTS with 0/1, PostgreSQL with a boolean.
  return rows.map(({ hasTotp, ...user }) => ({ ...user, hasTwoFactor: hasTotp === true || (hasTotp as unknown) === 1 }));
}

function normalizeForSearch(value: string): string {
  return value.toLowerCase();
}

/** Makes percent, underscore and backslash match themselves under LIKE with a backslash ESCAPE. */
function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}
