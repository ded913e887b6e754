import type { Insertable, Kysely } from 'kysely';
import { changedRows, prepareStatement } from './prepared.js';
import type { Database, Organization, SignInChallenge, SignInChallengeTable, User } from './schema.js';

/** What decides whether a finished second step leads into a setup (W5 P5), read with the challenge. */
export type SecondStepPolicy = Pick<Organization, 'allowedMethods' | 'requirePhishingResistant' | 'twoFactorRequirement' | 'twoFactorRequiredFrom'>;

export async function insertSignInChallenge(db: Kysely<Database>, challenge: Insertable<SignInChallengeTable>): Promise<void> {
  await db.insertInto('signInChallenges').values(challenge).execute();
}

const takeSignInChallengeStatement = prepareStatement<{ challengeId: string }, never>(['challengeId'], (db, { challengeId }) => db.deleteFrom('signInChallenges').where('id', '=', challengeId));

/** Completes a challenge once: false when another request already completed it. */
export async function takeSignInChallenge(db: Kysely<Database>, challengeId: string): Promise<boolean> {
  return changedRows(await takeSignInChallengeStatement(db, { challengeId })) > 0;
}

/** A challenge given up half-way (signing out before the code): its cookie stops working at once. */
export async function deleteSignInChallengeByTokenHash(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.deleteFrom('signInChallenges').where('tokenHash', '=', tokenHash).execute();
}

export async function deleteSignInChallengesOfUser(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom('signInChallenges').where('userId', '=', userId).execute();
}

export interface OpenChallenge {
  challenge: SignInChallenge;
  user: User;
  /** The member's sealed authenticator secret, when they have one. */
  totpSecretSealed: string | null;
  organizationPolicy: SecondStepPolicy;
}

/**
 * L1: an open challenge with its member and authenticator secret in one read: the second step is
 * on the sign-in hot path, and every statement there counts.
 */
const findOpenChallengeWithMemberStatement = prepareStatement((['tokenHash', 'nowInMs'] as const), (db, values: { tokenHash: string; nowInMs: number }) =>
  db
    .selectFrom('signInChallenges as c')
    .innerJoin('users as u', 'u.id', 'c.userId')
    .innerJoin('organizations as o', 'o.id', 'u.organizationId')
    .leftJoin('totpCredentials as t', 't.userId', 'c.userId')
    .selectAll('u')
    .select(['c.id as challengeId', 'c.tokenHash as challengeTokenHash', 'c.createdAt as challengeCreatedAt', 'c.expiresAt as challengeExpiresAt', 'c.ip as challengeIp', 'c.userAgent as challengeUserAgent', 'c.firstFactor as challengeFirstFactor', 't.secretSealed as totpSecretSealed'])
    .select(['o.allowedMethods as organizationAllowedMethods', 'o.requirePhishingResistant as organizationRequirePhishingResistant', 'o.twoFactorRequirement as organizationTwoFactorRequirement', 'o.twoFactorRequiredFrom as organizationTwoFactorRequiredFrom'])
    .where('c.tokenHash', '=', values.tokenHash)
    .where('c.expiresAt', '>', values.nowInMs),
);

export async function findOpenChallengeWithMember(db: Kysely<Database>, tokenHash: string, nowInMs: number): Promise<OpenChallenge | undefined> {
  // Prepared once (prepared.ts): the second step's first statement.
  const row = (await findOpenChallengeWithMemberStatement(db, { tokenHash, nowInMs })).rows[0];
  if (!row) return undefined;
  const {
    challengeId, challengeTokenHash, challengeCreatedAt, challengeExpiresAt, challengeIp, challengeUserAgent, challengeFirstFactor, totpSecretSealed,
    organizationAllowedMethods, organizationRequirePhishingResistant, organizationTwoFactorRequirement, organizationTwoFactorRequiredFrom,
    ...user
  } = row;
  return {
    challenge: { id: challengeId, tokenHash: challengeTokenHash, userId: user.id, createdAt: challengeCreatedAt, expiresAt: challengeExpiresAt, ip: challengeIp, userAgent: challengeUserAgent, firstFactor: challengeFirstFactor },
    user,
    totpSecretSealed,
    organizationPolicy: { allowedMethods: organizationAllowedMethods, requirePhishingResistant: organizationRequirePhishingResistant, twoFactorRequirement: organizationTwoFactorRequirement, twoFactorRequiredFrom: organizationTwoFactorRequiredFrom },
  };
}

/** Housekeeping: deletes at most `batchSize` expired challenges (`expiresAt <= cutoff`); reports how many. */
export async function deleteExpiredSignInChallenges(db: Kysely<Database>, expiresAtOrBefore: number, batchSize: number): Promise<number> {
  const result = await db
    .deleteFrom('signInChallenges')
    .where('id', 'in', (eb) => eb.selectFrom('signInChallenges as c').select('c.id').where('c.expiresAt', '<=', expiresAtOrBefore).limit(batchSize))
    .where('expiresAt', '<=', expiresAtOrBefore)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
