// `tessera dev seed`: a realistic organization for development and the benchmark — an
// administrator you can sign in as, and many members with a mix of two-factor status,
// requirement, role and last sign-in. Refuses to run in production.
import { sql } from 'kysely';
import { encodeBase32 } from '../core/base32.js';
import { newId } from '../core/ids.js';
import { normaliseEmail } from '../core/email-address.js';
import { insertOrganization } from '../store/organizations.js';
import type { NewUser, SignInMethod } from '../store/schema.js';
import { insertUsers } from '../store/users.js';
import { nowInMs, type AppContext } from './context.js';

export interface SeedOptions {
  members: number;
  organizationName: string;
  /** Defaults to admin@ the organization's own seed domain. */
  adminEmail?: string;
  adminPassword: string;
}

export interface SeedResult {
  organizationId: string;
  adminEmail: string;
  members: number;
}

const rowsPerStatement = 400;
const day = 24 * 60 * 60 * 1000;
const firstNames = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Ken', 'Frances', 'Dennis', 'Émile', 'Zoë', 'Søren', 'Łucja', 'Hiro', 'Amara'];
const lastNames = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Thompson', 'Allen', 'Ritchie', 'Zola', 'Kierkegaard', 'Nowak', 'Tanaka', 'Okafor'];

export async function seedOrganization(context: AppContext, options: SeedOptions): Promise<SeedResult> {
  if (context.config.isProduction) throw new Error('tessera dev seed does not run with NODE_ENV=production.');
  const now = nowInMs(context);
  const organizationId = newId(now, context.random);
  // Each seeded organization gets its own domain, so seeding twice never collides.
  const domain = `${organizationId.slice(-6)}.seed.example`;
  const adminEmail = options.adminEmail ?? `admin@${domain}`;
  const passwordHash = await context.passwords.hash(options.adminPassword);
  const pick = <T>(list: readonly T[]): T => list[context.random.int(list.length)]!;

  await context.db.transaction().execute(async (trx) => {
    await insertOrganization(trx, { id: organizationId, name: options.organizationName, brandName: null, twoFactorRequirement: 'optional', twoFactorRequiredFrom: null, recoveryCodePolicy: 'deplete', createdAt: now });
    await insertUsers(trx, [member({ id: newId(now, context.random), organizationId, email: adminEmail, name: 'Seed Administrator', role: 'admin', passwordHash, createdAt: now, lastLoginAt: null, lastLoginMethod: null, twoFactorRequired: 0, twoFactorEnabled: 0 })]);

    for (let start = 0; start < options.members; start += rowsPerStatement) {
      const batch: NewUser[] = [];
      const factors: Array<{ userId: string; secretSealed: string; confirmedAt: number }> = [];
      for (let index = start; index < Math.min(options.members, start + rowsPerStatement); index++) {
        const id = newId(now - (options.members - index) * 1000, context.random);
        const name = `${pick(firstNames)} ${pick(lastNames)} ${index}`;
        const hasTwoFactor = context.random.int(10) < 4;
        const signedInDaysAgo = context.random.int(120);
        const lastLoginMethod: SignInMethod | null = signedInDaysAgo >= 90 ? null : hasTwoFactor ? 'totp' : 'password';
        batch.push(
          member({
            id,
            organizationId,
            email: `${asciiLocalPart(name)}@${domain}`,
            name,
            role: index % 25 === 0 ? 'admin' : 'member',
            passwordHash,
            createdAt: now - (options.members - index) * 1000,
            lastLoginAt: lastLoginMethod === null ? null : now - signedInDaysAgo * day - context.random.int(day),
            lastLoginMethod,
            twoFactorRequired: context.random.int(10) < 2 ? 1 : 0,
            twoFactorEnabled: hasTwoFactor ? 1 : 0,
          }),
        );
        if (hasTwoFactor) factors.push({ userId: id, secretSealed: context.secretBox.seal(encodeBase32(context.random.bytes(20))), confirmedAt: now });
      }
      await insertUsers(trx, batch);
      // Members and factors arrive together, so users.two_factor_enabled is set directly.
      if (factors.length > 0) await trx.insertInto('totpCredentials').values(factors).execute();
    }
  });
  // Fresh statistics after a bulk load, so both planners pick the grid's indexes at once.
  await sql`analyze`.execute(context.db);
  return { organizationId, adminEmail, members: options.members };
}

function member(fields: Pick<NewUser, 'id' | 'organizationId' | 'email' | 'name' | 'role' | 'passwordHash' | 'createdAt' | 'lastLoginAt' | 'lastLoginMethod' | 'twoFactorRequired' | 'twoFactorEnabled'>): NewUser {
  return { ...fields, emailNormalized: normaliseEmail(fields.email), emailVerifiedAt: fields.createdAt, totpLastAcceptedStep: null, secondFactorLockedUntil: null };
}

function asciiLocalPart(name: string): string {
  return name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '.').replace(/^\.|\.$/g, '');
}
