// O4: what an application learns about a member (the claims), in one query.
import type { Kysely } from 'kysely';
import type { Role } from '../core/roles.js';
import type { Database } from './schema.js';

export interface MemberClaimsRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  emailVerifiedAt: number | null;
  organizationId: string;
  organizationName: string;
}

export async function findMemberForClaims(db: Kysely<Database>, userId: string): Promise<MemberClaimsRow | undefined> {
  return db
    .selectFrom('users as u')
    .innerJoin('organizations as o', 'o.id', 'u.organizationId')
    .select(['u.id', 'u.email', 'u.name', 'u.role', 'u.emailVerifiedAt', 'u.organizationId', 'o.name as organizationName'])
    .where('u.id', '=', userId)
    .executeTakeFirst();
}
