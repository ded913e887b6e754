// The one hot read: every signed-in request finds its session, member and organization by token
// hash. It bypasses the query builder for a statement prepared once (a read-only SQLite
// connection, which in WAL mode sees only committed data; a named PostgreSQL prepared statement),
// which is what keeps GET /api/v1/session close to a bare route.
import type SqliteDatabase from 'better-sqlite3';
import type pg from 'pg';
import type { FactorMethod } from '../core/webauthn.js';
import type { Organization, Session, User } from './schema.js';

export interface SessionRecord {
  session: Session;
  user: User;
  organization: Organization;
  /** Whether the member has an active second factor (T4). */
  hasTwoFactor: boolean;
  /**
   * W5: the member's kinds of second factor, read only while the organization narrows which count
   * (allowed methods, phishing-resistant sign-in); undefined under the default policy.
   */
  factorMethods?: FactorMethod[];
}

export interface SessionLookup {
  /** `fresh`: read the database even where a cache (session-cache.ts) holds an answer. */
  findByTokenHash(tokenHash: string, options?: { fresh?: boolean }): Promise<SessionRecord | undefined>;
  close(): void;
}

// Rows come back as arrays (better-sqlite3 `raw`, pg `rowMode: 'array'`): a few microseconds
// cheaper per request than objects, and one mapping serves both drivers.
const selectSessionSql = (placeholder: string) => `
select s.id, s.token_hash, s.created_at, s.last_seen_at, s.reauthenticated_at, s.ip, s.user_agent, s.setup_only, s.second_factor_verified_at, s.second_factor,
       u.id, u.email, u.email_normalized, u.name, u.role, u.password_hash, u.email_verified_at,
       u.two_factor_required, u.created_at, u.last_login_at, u.last_login_method,
       u.totp_last_accepted_step, u.second_factor_failures, u.second_factor_locked_until,
       u.recovery_codes_regeneration_required,
       u.two_factor_enabled,
       o.id, o.name, o.brand_name, o.two_factor_requirement, o.two_factor_required_from,
       o.recovery_code_policy, o.created_at, o.sms_allowed, o.sms_code_length,
       o.sms_allowed_countries, o.remember_browser_days,
       o.passkey_sign_in, o.allowed_methods, o.require_phishing_resistant, o.allowed_authenticators,
       case when o.allowed_methods is null and o.require_phishing_resistant = 0 then null
            else (case when exists (select 1 from totp_credentials f where f.user_id = u.id) then 1 else 0 end)
               + (case when exists (select 1 from sms_numbers f where f.user_id = u.id) then 2 else 0 end)
               + (case when exists (select 1 from webauthn_credentials f where f.user_id = u.id) then 4 else 0 end) end
from sessions s
join users u on u.id = s.user_id
join organizations o on o.id = u.organization_id
where s.token_hash = ${placeholder}`;

type SessionRow = unknown[];

function factorMethodsOf(bits: number): FactorMethod[] {
  const methods: FactorMethod[] = [];
  if (bits & 1) methods.push('totp');
  if (bits & 2) methods.push('sms');
  if (bits & 4) methods.push('webauthn');
  return methods;
}

/** Maps the selected columns, in the order above, to the records the rest of the code uses. */
function toRecord(row: SessionRow): SessionRecord {
  const [sessionId, tokenHash, sessionCreatedAt, lastSeenAt, reauthenticatedAt, ip, userAgent, setupOnly, secondFactorVerifiedAt, secondFactor,
    userId, email, emailNormalized, name, role, passwordHash, emailVerifiedAt,
    twoFactorRequired, userCreatedAt, lastLoginAt, lastLoginMethod,
    totpLastAcceptedStep, secondFactorFailures, secondFactorLockedUntil,
    recoveryCodesRegenerationRequired,
    twoFactorEnabled,
    organizationId, organizationName, brandName, twoFactorRequirement, twoFactorRequiredFrom,
    recoveryCodePolicy, organizationCreatedAt, smsAllowed, smsCodeLength,
    smsAllowedCountries, rememberBrowserDays,
    passkeySignIn, allowedMethods, requirePhishingResistant, allowedAuthenticators, factorBits] = row as [
    string, string, number, number, number | null, string | null, string | null, number, number | null, Session['secondFactor'],
    string, string, string, string, User['role'], string, number | null,
    number, number, number | null, User['lastLoginMethod'],
    number | null, number, number | null,
    number,
    number,
    string, string, string | null, Organization['twoFactorRequirement'], number | null,
    Organization['recoveryCodePolicy'], number, number, number,
    string | null, number,
    number, string | null, number, string | null, number | string | null,
  ];
  return {
    session: { id: sessionId, tokenHash, userId, createdAt: sessionCreatedAt, lastSeenAt, reauthenticatedAt, ip, userAgent, setupOnly, secondFactorVerifiedAt, secondFactor },
    user: {
      id: userId,
      organizationId,
      email,
      emailNormalized,
      name,
      // The session path never searches; the search column is not read.
      nameNormalized: '',
      role,
      passwordHash,
      emailVerifiedAt,
      twoFactorRequired,
      createdAt: userCreatedAt,
      lastLoginAt,
      lastLoginMethod,
      totpLastAcceptedStep,
      secondFactorFailures,
      secondFactorLockedUntil,
      recoveryCodesRegenerationRequired,
      twoFactorEnabled,
    },
    hasTwoFactor: twoFactorEnabled === 1,
    ...(factorBits === null ? {} : { factorMethods: factorMethodsOf(Number(factorBits)) }),
    organization: { id: organizationId, name: organizationName, brandName, twoFactorRequirement, twoFactorRequiredFrom, recoveryCodePolicy, createdAt: organizationCreatedAt, smsAllowed, smsCodeLength, smsAllowedCountries, rememberBrowserDays, passkeySignIn, allowedMethods, requirePhishingResistant, allowedAuthenticators },
  };
}

export function createSqliteSessionLookup(readConnection: SqliteDatabase.Database): SessionLookup {
  let statement: SqliteDatabase.Statement<[string], SessionRow> | undefined;
  return {
    async findByTokenHash(tokenHash) {
      // Prepared on first use: the tables exist only after the migrations have run.
      statement ??= readConnection.prepare<[string], SessionRow>(selectSessionSql('?')).raw(true);
      const row = statement.get(tokenHash);
      return row ? toRecord(row) : undefined;
    },
    close: () => readConnection.close(),
  };
}

export function createPostgresSessionLookup(pool: pg.Pool): SessionLookup {
  const text = selectSessionSql('$1');
  return {
    async findByTokenHash(tokenHash) {
      const result = await pool.query<SessionRow>({ name: 'tessera_find_session', text, values: [tokenHash], rowMode: 'array' });
      const row = result.rows[0];
      return row ? toRecord(row) : undefined;
    },
    close: () => undefined,
  };
}
