// W5: the attestation root certificates an administrator supplies for each allowed authenticator
// model (AAGUID). A separate table, so the organization row read on every request stays small.
// - certificates: JSON array of PEM blocks (public certificates, not secrets).
import type { Kysely } from 'kysely';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations must not depend on today's schema types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webauthn_attestation_roots')
    .addColumn('organization_id', 'text', (c) => c.notNull().references('organizations.id').onDelete('cascade'))
    .addColumn('aaguid', 'text', (c) => c.notNull())
    .addColumn('certificates', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('webauthn_attestation_roots_pk', ['organization_id', 'aaguid'])
    .execute();
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webauthn_attestation_roots').execute();
}
