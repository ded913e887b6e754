import type { Kysely } from 'kysely';
import type { Database, SignInChallenge } from './schema.js';

export async function insertSignInChallenge(db: Kysely<Database>, challenge: SignInChallenge): Promise<void> {
  await db.insertInto('signInChallenges').values(challenge).execute();
}

export async function findSignInChallenge(db: Kysely<Database>, tokenHash: string, nowInMs: number): Promise<SignInChallenge | undefined> {
  return db.selectFrom('signInChallenges').selectAll().where('tokenHash', '=', tokenHash).where('expiresAt', '>', nowInMs).executeTakeFirst();
}

/** Completes a challenge once: false when another request already completed it. */
export async function takeSignInChallenge(db: Kysely<Database>, challengeId: string): Promise<boolean> {
  const result = await db.deleteFrom('signInChallenges').where('id', '=', challengeId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function deleteSignInChallengesOfUser(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom('signInChallenges').where('userId', '=', userId).execute();
}
