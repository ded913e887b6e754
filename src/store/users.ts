import type { Kysely } from 'kysely';
import type { Database, NewUser, SignInMethod, User } from './schema.js';

export async function insertUser(db: Kysely<Database>, user: NewUser): Promise<void> {
  await insertUsers(db, [user]);
}

/** Many members in one statement (the development seed); keep batches to a few hundred rows. */
export async function insertUsers(db: Kysely<Database>, users: NewUser[]): Promise<void> {
  if (users.length === 0) return;
  await db.insertInto('users').values(users.map((user) => ({ ...user, nameNormalized: normalizeForSearch(user.name) }))).execute();
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

/** Names are searched lower-cased in JavaScript, so case folds beyond ASCII on both databases. */
export function normalizeForSearch(value: string): string {
  return value.toLowerCase();
}

export interface MemberContact {
  id: string;
  email: string;
  name: string;
}

/** P1: members (administrators included) without a second factor, by name; `limit` omitted = all. */
export async function listUsersWithoutTwoFactor(db: Kysely<Database>, organizationId: string, limit?: number): Promise<MemberContact[]> {
  let query = db.selectFrom('users').select(['id', 'email', 'name']).where('organizationId', '=', organizationId).where('twoFactorEnabled', '=', 0).orderBy('nameNormalized').orderBy('id');
  if (limit !== undefined) query = query.limit(limit);
  return query.execute();
}

export async function countUsersWithoutTwoFactor(db: Kysely<Database>, organizationId: string): Promise<number> {
  const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number | string>().as('count')).where('organizationId', '=', organizationId).where('twoFactorEnabled', '=', 0).executeTakeFirstOrThrow();
  return Number(row.count);
}
