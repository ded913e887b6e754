// Opaque bearer tokens (sessions, e-mailed links): 256 random bits; only their SHA-256 is stored.
// A plain hash suffices because the input is uniformly random, unlike a password.
import { createHash, timingSafeEqual } from 'node:crypto';
import { pooledRandomBytes } from './random-pool.js';

export function newOpaqueToken(): string {
  return pooledRandomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** Constant-time comparison of two secrets, to prevent timing attacks. */
export function secretsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}
