import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashToken, newOpaqueToken, secretsEqual } from './tokens.js';

describe('opaque tokens (A3 sessions, A1/A4/A6 e-mailed links)', () => {
  it('A3 are 256 random bits in base64url, never repeating', () => {
    const tokens = Array.from({ length: 1000 }, () => newOpaqueToken());
    for (const token of tokens.slice(0, 20)) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url').length).toBe(32);
    }
    expect(new Set(tokens).size).toBe(tokens.length);
  });

  it('A3 are stored as their SHA-256 only: deterministic, not the token, different per token', () => {
    const token = newOpaqueToken();
    expect(hashToken(token)).toBe(hashToken(token));
    expect(hashToken(token)).toBe(createHash('sha256').update(token).digest('base64url'));
    expect(hashToken(token)).not.toBe(token);
    expect(hashToken(token)).not.toContain(token);
    expect(hashToken(token)).not.toBe(hashToken(newOpaqueToken()));
  });
});

describe('secretsEqual: constant-time comparison (Security floor)', () => {
  it('is true only for identical secrets', () => {
    expect(secretsEqual('12345678', '12345678')).toBe(true);
    expect(secretsEqual('', '')).toBe(true);
    expect(secretsEqual('ünï 🔐', 'ünï 🔐')).toBe(true);
    expect(secretsEqual('12345678', '12345679')).toBe(false);
    expect(secretsEqual('12345678', '1234567')).toBe(false);
    expect(secretsEqual('1234567', '12345678')).toBe(false);
    expect(secretsEqual('abc', 'ABC')).toBe(false);
    expect(secretsEqual('', 'a')).toBe(false);
    // Same UTF-16 length, different UTF-8 length.
    expect(secretsEqual('é', 'e')).toBe(false);
  });
});
