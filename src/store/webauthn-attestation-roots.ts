// W5: each allowed authenticator model's attestation root certificates (PEM), per organization.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

function decodeCertificates(stored: string): string[] {
  try {
    const parsed: unknown = JSON.parse(stored);
    return Array.isArray(parsed) ? parsed.filter((value): value is string => typeof value === 'string') : [];
  } catch {
    return [];
  }
}

/** AAGUID → its root certificates (PEM). */
export async function listAttestationRoots(db: Kysely<Database>, organizationId: string): Promise<Map<string, string[]>> {
  const rows = await db.selectFrom('webauthnAttestationRoots').select(['aaguid', 'certificates']).where('organizationId', '=', organizationId).orderBy('aaguid').execute();
  return new Map(rows.map((row) => [row.aaguid, decodeCertificates(row.certificates)]));
}

export async function findAttestationRoots(db: Kysely<Database>, organizationId: string, aaguid: string): Promise<string[]> {
  const row = await db.selectFrom('webauthnAttestationRoots').select('certificates').where('organizationId', '=', organizationId).where('aaguid', '=', aaguid).executeTakeFirst();
  return row ? decodeCertificates(row.certificates) : [];
}

/** Replaces the organization's roots with `roots` (call inside the transaction that changes the list). */
export async function replaceAttestationRoots(db: Kysely<Database>, organizationId: string, roots: ReadonlyMap<string, readonly string[]>): Promise<void> {
  await db.deleteFrom('webauthnAttestationRoots').where('organizationId', '=', organizationId).execute();
  if (roots.size === 0) return;
  await db
    .insertInto('webauthnAttestationRoots')
    .values([...roots].map(([aaguid, certificates]) => ({ organizationId, aaguid, certificates: JSON.stringify(certificates) })))
    .execute();
}
