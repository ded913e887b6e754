// O2: the provider's ES256 signing keys. Private JWKs are sealed under the server key in the
// database; one is generated on first start. A rotation adds a new key that signs from then on
// and keeps the previous ones published (JWKS) until every token they signed has expired.
import { generateKeyPairSync } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { SecretBox } from '../core/ports.js';
import { deleteSigningKeysRetiredBefore, insertSigningKey, listSigningKeys, retireSigningKeys } from '../store/oidc-signing-keys.js';
import type { Database } from '../store/schema.js';

/** Longer than any token signed with a key lives (ID tokens and JWT access tokens: 1 hour). */
export const retiredKeyPublishedForInMs = 24 * 60 * 60 * 1000;

export interface PrivateJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  d: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

function newSigningKey(kid: string): PrivateJwk {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as { kty: string; crv: string; x: string; y: string; d: string };
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, d: jwk.d, kid, alg: 'ES256', use: 'sig' };
}

interface KeyContext {
  db: Kysely<Database>;
  secretBox: SecretBox;
  random: { bytes(length: number): Uint8Array };
}

async function addKey(context: KeyContext, nowInMs: number): Promise<string> {
  const kid = Buffer.from(context.random.bytes(12)).toString('base64url');
  await insertSigningKey(context.db, { id: kid, keySealed: context.secretBox.seal(JSON.stringify(newSigningKey(kid))), createdAt: nowInMs });
  return kid;
}

/** The published keys, the signing one first; generates the first key when there is none. */
export async function loadSigningKeys(context: KeyContext, nowInMs: number): Promise<PrivateJwk[]> {
  let rows = await listSigningKeys(context.db);
  if (rows.length === 0) {
    await addKey(context, nowInMs);
    rows = await listSigningKeys(context.db);
  }
  const keys = rows.filter((row) => row.retiredAt === null || row.retiredAt > nowInMs - retiredKeyPublishedForInMs).flatMap((row) => openKey(context, row.keySealed));
  if (keys.length > 0) return keys;
  // None sealed under a key this server holds (a server key replaced without N5's rotation):
  // a new signing key, so the provider still starts; the unreadable ones are never published.
  await addKey(context, nowInMs);
  return (await listSigningKeys(context.db)).flatMap((row) => openKey(context, row.keySealed));
}

function openKey(context: KeyContext, sealed: string): PrivateJwk[] {
  try {
    return [JSON.parse(context.secretBox.open(sealed)) as PrivateJwk];
  } catch {
    return [];
  }
}

/** `tessera oidc rotate-keys`: a new signing key; the others retire, published for a day more. */
export async function rotateSigningKeys(context: KeyContext, nowInMs: number): Promise<{ kid: string; removed: number }> {
  const kid = await addKey(context, nowInMs);
  await retireSigningKeys(context.db, kid, nowInMs);
  const removed = await deleteSigningKeysRetiredBefore(context.db, nowInMs - retiredKeyPublishedForInMs);
  return { kid, removed };
}
