// AES-256-GCM for secrets that must be read back (TOTP secrets, recovery codes for display).
// Sealed values carry the key id, so a new key can be added while old values stay readable.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { KeyedHasher, SecretBox } from '../core/ports.js';

const ivLength = 12; // NIST SP 800-38D §8.2: 96-bit nonces
const tagLength = 16;

export interface ServerKey {
  id: string;
  material: Buffer;
}

/** Separate subkeys per purpose (HKDF, RFC 5869), so the encryption key is never the MAC key. */
function deriveKey(material: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), `tessera:${purpose}`, 32));
}

export function keyIdOf(material: Buffer): string {
  return createHmac('sha256', material).update('tessera:key-id').digest('base64url').slice(0, 8);
}

export function createSecretBox(current: ServerKey, previous: ServerKey[] = []): SecretBox {
  const encryptionKeys = new Map<string, Buffer>();
  for (const key of [current, ...previous]) encryptionKeys.set(key.id, deriveKey(key.material, 'secret-box'));
  const currentKey = encryptionKeys.get(current.id)!;

  return {
    seal(plaintext: string): string {
      const iv = randomBytes(ivLength);
      const cipher = createCipheriv('aes-256-gcm', currentKey, iv, { authTagLength: tagLength });
      // The key id is authenticated data, so a value cannot be moved under another key's label.
      cipher.setAAD(Buffer.from(current.id));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `v1.${current.id}.${Buffer.concat([iv, body]).toString('base64url')}`;
    },
    open(sealed: string): string {
      const [version, keyId, payload] = sealed.split('.');
      const key = keyId === undefined ? undefined : encryptionKeys.get(keyId);
      if (version !== 'v1' || !key || payload === undefined) throw new Error('Sealed value has an unknown format or key');
      const raw = Buffer.from(payload, 'base64url');
      const iv = raw.subarray(0, ivLength);
      const tag = raw.subarray(raw.length - tagLength);
      const ciphertext = raw.subarray(ivLength, raw.length - tagLength);
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: tagLength });
      decipher.setAAD(Buffer.from(keyId!));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    },
  };
}

/**
 * N5: hashes under the newest key; `hashAll` also under the older loaded keys (one more HMAC per
 * older key, only while they are loaded), so look-ups find rows written before a key was added.
 */
export function createKeyedHasher(current: ServerKey, previous: ServerKey[] = []): KeyedHasher {
  const macKeys = [current, ...previous].map((key) => deriveKey(key.material, 'keyed-hash'));
  const mac = (macKey: Buffer, value: string) => createHmac('sha256', macKey).update(value, 'utf8').digest('base64url');
  return {
    hash(value: string): string {
      return mac(macKeys[0]!, value);
    },
    hashAll(value: string): string[] {
      return macKeys.map((macKey) => mac(macKey, value));
    },
  };
}
