// The one hot read: every signed-in request finds its session, member and organization by token
// hash. It bypasses the query builder for a statement prepared once (a read-only SQLite
// connection, which in WAL mode sees only committed data; a named PostgreSQL prepared statement),
// which is what keeps GET /api/v1/session close to a bare route.
import type SqliteDatabase from 'better-sqlite3';
import type pg from 'pg';
import type { Organization, Session, User } from './schema.js';

export interface SessionRecord {
  session: Session;
  user: User;
  organization: Organization;
  /** Whether the member has an active second factor (T4). */
  hasTwoFactor: boolean;
}

export interface SessionLookup {
  findByTokenHash(tokenHash: string): Promise<SessionRecord | undefined>;
  close(): void;
}

const selectSessionSql = (placeholder: string) => `
select s.id as "sessionId", s.token_hash as "tokenHash", s.created_at as "sessionCreatedAt",
       s.last_seen_at as "lastSeenAt", s.reauthenticated_at as "reauthenticatedAt", s.ip as "ip", s.user_agent as "userAgent",
       u.id as "userId", u.email as "email", u.email_normalized as "emailNormalized", u.name as "userName", u.role as "role",
       u.password_hash as "passwordHash", u.email_verified_at as "emailVerifiedAt", u.two_factor_required as "twoFactorRequired",
       u.created_at as "userCreatedAt", u.last_login_at as "lastLoginAt", u.last_login_method as "lastLoginMethod",
       u.totp_last_accepted_step as "totpLastAcceptedStep", u.second_factor_failures as "secondFactorFailures",
       u.second_factor_locked_until as "secondFactorLockedUntil", u.recovery_codes_regeneration_required as "recoveryCodesRegenerationRequired",
       exists (select 1 from totp_credentials t where t.user_id = u.id) as "hasTotp",
       o.id as "organizationId", o.name as "organizationName", o.brand_name as "brandName",
       o.two_factor_requirement as "twoFactorRequirement", o.two_factor_required_from as "twoFactorRequiredFrom",
       o.recovery_code_policy as "recoveryCodePolicy", o.created_at as "organizationCreatedAt"
from sessions s
join users u on u.id = s.user_id
join organizations o on o.id = u.organization_id
where s.token_hash = ${placeholder}`;

interface SessionRow {
  sessionId: string;
  tokenHash: string;
  sessionCreatedAt: number;
  lastSeenAt: number;
  reauthenticatedAt: number | null;
  ip: string | null;
  userAgent: string | null;
  userId: string;
  email: string;
  emailNormalized: string;
  userName: string;
  role: User['role'];
  passwordHash: string;
  emailVerifiedAt: number | null;
  twoFactorRequired: number;
  userCreatedAt: number;
  lastLoginAt: number | null;
  lastLoginMethod: User['lastLoginMethod'];
  totpLastAcceptedStep: number | null;
  secondFactorFailures: number;
  secondFactorLockedUntil: number | null;
  recoveryCodesRegenerationRequired: number;
  hasTotp: number | boolean;
  organizationId: string;
  organizationName: string;
  brandName: string | null;
  twoFactorRequirement: Organization['twoFactorRequirement'];
  twoFactorRequiredFrom: number | null;
  recoveryCodePolicy: Organization['recoveryCodePolicy'];
  organizationCreatedAt: number;
}

function toRecord(row: SessionRow): SessionRecord {
  return {
    session: {
      id: row.sessionId,
      tokenHash: row.tokenHash,
      userId: row.userId,
      createdAt: row.sessionCreatedAt,
      lastSeenAt: row.lastSeenAt,
      reauthenticatedAt: row.reauthenticatedAt,
      ip: row.ip,
      userAgent: row.userAgent,
    },
    user: {
      id: row.userId,
      organizationId: row.organizationId,
      email: row.email,
      emailNormalized: row.emailNormalized,
      name: row.userName,
      // The session path never searches; skip reading the search column.
      nameNormalized: '',
      role: row.role,
      passwordHash: row.passwordHash,
      emailVerifiedAt: row.emailVerifiedAt,
      twoFactorRequired: row.twoFactorRequired,
      createdAt: row.userCreatedAt,
      lastLoginAt: row.lastLoginAt,
      lastLoginMethod: row.lastLoginMethod,
      totpLastAcceptedStep: row.totpLastAcceptedStep,
      secondFactorFailures: row.secondFactorFailures,
      secondFactorLockedUntil: row.secondFactorLockedUntil,
      recoveryCodesRegenerationRequired: row.recoveryCodesRegenerationRequired,
    },
    hasTwoFactor: row.hasTotp === true || row.hasTotp === 1,
    organization: {
      id: row.organizationId,
      name: row.organizationName,
      brandName: row.brandName,
      twoFactorRequirement: row.twoFactorRequirement,
      twoFactorRequiredFrom: row.twoFactorRequiredFrom,
      recoveryCodePolicy: row.recoveryCodePolicy,
      createdAt: row.organizationCreatedAt,
    },
  };
}

export function createSqliteSessionLookup(readConnection: SqliteDatabase.Database): SessionLookup {
  let statement: SqliteDatabase.Statement<[string], SessionRow> | undefined;
  return {
    async findByTokenHash(tokenHash) {
      // Prepared on first use: the tables exist only after the migrations have run.
      statement ??= readConnection.prepare<[string], SessionRow>(selectSessionSql('?'));
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
      const result = await pool.query<SessionRow>({ name: 'tessera_find_session', text, values: [tokenHash] });
      const row = result.rows[0];
      return row ? toRecord(row) : undefined;
    },
    close: () => undefined,
  };
}
