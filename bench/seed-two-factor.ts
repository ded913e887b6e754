// Seeds members who have an authenticator and are half-way through signing in, straight into the
// benchmark's database: each gets its own secret and one open challenge, so every measured
// second step can be a fresh, valid sign-in (T5 accepts a time step only once per member).
import { randomBytes } from 'node:crypto';
import { encodeBase32 } from '../src/core/base32.js';
import { newId } from '../src/core/ids.js';
import { createSecretBox } from '../src/security/secret-box.js';
import { parseServerKey } from '../src/security/server-key.js';
import { systemRandom } from '../src/security/system-random.js';
import { hashToken, newOpaqueToken } from '../src/security/tokens.js';
import { openStore } from '../src/store/database.js';

export interface SeededSignIn {
  /** The open challenge's cookie value (unused when seeded without challenges). */
  challengeToken: string;
  secret: Uint8Array;
  email: string;
}

const rowsPerInsert = 500;

export async function seedMembersMidSignIn(options: { databaseUrl: string; serverKeyBase64: string; passwordHash: string; count: number; label: string; withChallenges?: boolean }): Promise<SeededSignIn[]> {
  const store = openStore(options.databaseUrl);
  const secretBox = createSecretBox(parseServerKey(options.serverKeyBase64));
  const now = Date.now();
  const organizationId = newId(now, systemRandom);
  const signIns: SeededSignIn[] = [];
  try {
    await store.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('organizations')
        .values({ id: organizationId, name: `Bench ${options.label}`, brandName: null, twoFactorRequirement: 'optional', twoFactorRequiredFrom: null, recoveryCodePolicy: 'deplete', createdAt: now })
        .execute();
      for (let start = 0; start < options.count; start += rowsPerInsert) {
        const batch = Array.from({ length: Math.min(rowsPerInsert, options.count - start) }, (_, offset) => {
          const index = start + offset;
          const secret = new Uint8Array(randomBytes(20));
          const challengeToken = newOpaqueToken();
          signIns.push({ challengeToken, secret, email: `${options.label}-${index}@bench.example` });
          const email = `${options.label}-${index}@bench.example`;
          return { userId: newId(now, systemRandom), email, secret, challengeToken };
        });
        await trx
          .insertInto('users')
          .values(
            batch.map((member, offset) => ({
              id: member.userId,
              organizationId,
              email: member.email,
              emailNormalized: member.email,
              name: `Bench Member ${start + offset}`,
              nameNormalized: `bench member ${start + offset}`,
              role: 'member' as const,
              passwordHash: options.passwordHash,
              emailVerifiedAt: now,
              twoFactorRequired: 0,
              createdAt: now,
              lastLoginAt: null,
              lastLoginMethod: null,
              totpLastAcceptedStep: null,
              secondFactorLockedUntil: null,
              twoFactorEnabled: 1,
            })),
          )
          .execute();
        await trx
          .insertInto('totpCredentials')
          .values(batch.map((member) => ({ userId: member.userId, secretSealed: secretBox.seal(encodeBase32(member.secret)), confirmedAt: now })))
          .execute();
        if (options.withChallenges === false) continue;
        await trx
          .insertInto('signInChallenges')
          .values(batch.map((member) => ({ id: newId(now, systemRandom), tokenHash: hashToken(member.challengeToken), userId: member.userId, createdAt: now, expiresAt: now + 60 * 60 * 1000, ip: '127.0.0.1', userAgent: 'bench' })))
          .execute();
      }
    });
  } finally {
    await store.close();
  }
  return signIns;
}
