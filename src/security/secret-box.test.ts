import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeyedHasher, createSecretBox, keyIdOf, type ServerKey } from './secret-box.js';

function newKey(): ServerKey {
  const material = randomBytes(32);
  return { id: keyIdOf(material), material };
}

/** Flips one bit of the sealed bytes (index counts from the end when negative). */
function tamper(sealed: string, index: number): string {
  const [version, keyId, payload] = sealed.split('.') as [string, string, string];
  const bytes = Buffer.from(payload, 'base64url');
  const at = ((index % bytes.length) + bytes.length) % bytes.length;
  bytes[at] = bytes[at]! ^ 0x01;
  return `${version}.${keyId}.${bytes.toString('base64url')}`;
}

describe('secret box: AES-256-GCM at rest (T3, R2)', () => {
  it('T3 opens what it sealed, for any text', () => {
    const box = createSecretBox(newKey());
    for (const plaintext of ['JBSWY3DPEHPK3PXP', '', '1234-5678', 'ünïcödé 🔐 山', 'x'.repeat(10_000)]) {
      expect(box.open(box.seal(plaintext))).toBe(plaintext);
    }
  });

  it('T3 never shows the plaintext and uses a fresh nonce for every seal', () => {
    const key = newKey();
    const box = createSecretBox(key);
    const sealed = Array.from({ length: 50 }, () => box.seal('JBSWY3DPEHPK3PXP'));
    expect(new Set(sealed).size).toBe(50);
    const nonces = sealed.map((s) => Buffer.from(s.split('.')[2]!, 'base64url').subarray(0, 12).toString('hex'));
    expect(new Set(nonces).size).toBe(50);
    for (const s of sealed) {
      expect(s).toMatch(new RegExp(`^v1\\.${key.id.replace(/[-]/g, '\\-')}\\.[A-Za-z0-9_-]+$`));
      expect(s).not.toContain('JBSWY3DPEHPK3PXP');
      // 12-byte nonce + 16 plaintext bytes + 16-byte tag.
      expect(Buffer.from(s.split('.')[2]!, 'base64url').length).toBe(12 + 16 + 16);
    }
  });

  it('T3 refuses a tampered value anywhere: nonce, ciphertext or tag', () => {
    const box = createSecretBox(newKey());
    const sealed = box.seal('a secret worth protecting');
    // Bytes 0-11 are the nonce, then the ciphertext, then the last 16 bytes are the tag.
    for (const index of [0, 11, 12, 20, -17, -16, -1]) expect(() => box.open(tamper(sealed, index)), `byte ${index}`).toThrow();
    const [version, keyId, payload] = sealed.split('.') as [string, string, string];
    expect(() => box.open(`${version}.${keyId}.${payload.slice(0, -4)}`)).toThrow();
    expect(() => box.open(`${version}.${keyId}.`)).toThrow();
    expect(() => box.open(`v2.${keyId}.${payload}`)).toThrow();
    expect(() => box.open('not a sealed value')).toThrow();
    expect(() => box.open('')).toThrow();
  });

  it('T3 refuses values sealed under another key, and values relabelled with another key id', () => {
    const a = newKey();
    const b = newKey();
    const sealedByA = createSecretBox(a).seal('secret');
    expect(() => createSecretBox(b).open(sealedByA)).toThrow();
    // Even a box that knows both keys refuses A's ciphertext under B's label: the id is authenticated.
    const both = createSecretBox(b, [a]);
    const [, , payload] = sealedByA.split('.');
    expect(() => both.open(`v1.${b.id}.${payload}`)).toThrow();
    expect(() => both.open(`v1.unknown.${payload}`)).toThrow();
  });

  it('T3 a previous key still opens old values, while new values use the current key', () => {
    const old = newKey();
    const current = newKey();
    const sealedLongAgo = createSecretBox(old).seal('old secret');
    const rotated = createSecretBox(current, [old]);
    expect(rotated.open(sealedLongAgo)).toBe('old secret');
    const sealedNow = rotated.seal('new secret');
    expect(sealedNow.split('.')[1]).toBe(current.id);
    expect(createSecretBox(current).open(sealedNow)).toBe('new secret');
    // Once the old key is dropped, its values no longer open.
    expect(() => createSecretBox(current).open(sealedLongAgo)).toThrow();
  });

  it('key ids are short, stable per key and different between keys', () => {
    const material = randomBytes(32);
    expect(keyIdOf(material)).toBe(keyIdOf(Buffer.from(material)));
    expect(keyIdOf(material)).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(keyIdOf(material)).not.toBe(keyIdOf(randomBytes(32)));
  });
});

describe('keyed hasher: HMAC-SHA-256 for look-ups (R2)', () => {
  it('R2 is deterministic per key, differs between keys and values', () => {
    const key = newKey();
    const hasher = createKeyedHasher(key);
    expect(hasher.hash('12345678')).toBe(createKeyedHasher(key).hash('12345678'));
    expect(hasher.hash('12345678')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hasher.hash('12345678')).not.toBe(hasher.hash('12345679'));
    expect(hasher.hash('12345678')).not.toBe(createKeyedHasher(newKey()).hash('12345678'));
  });

  it('R2 uses a key derived for hashing, not the raw server key (separate subkeys)', () => {
    const key = newKey();
    const rawHmac = createHmac('sha256', key.material).update('12345678').digest('base64url');
    expect(createKeyedHasher(key).hash('12345678')).not.toBe(rawHmac);
  });

  it('N5 hashAll: under every loaded key, the newest first; hash is the newest one', () => {
    const [current, old] = [newKey(), newKey()];
    const hasher = createKeyedHasher(current, [old]);
    expect(hasher.hash('12345678')).toBe(createKeyedHasher(current).hash('12345678'));
    expect(hasher.hashAll('12345678')).toEqual([createKeyedHasher(current).hash('12345678'), createKeyedHasher(old).hash('12345678')]);
    expect(createKeyedHasher(current).hashAll('12345678')).toEqual([hasher.hash('12345678')]);
  });
});
