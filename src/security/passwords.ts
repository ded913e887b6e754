// argon2id with OWASP's minimum (m = 19 MiB, t = 2, p = 1). The native binding hashes on libuv's
// thread pool, so the event loop keeps serving other requests meanwhile.
import { availableParallelism } from 'node:os';
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';

const options = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

/**
 * At most one hash per core at a time: more only contend for the same cores, hold 19 MiB each,
 * and take every thread of libuv's pool (default 4), which file and DNS work also need.
 */
function limitConcurrency(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

export function createArgon2Hasher(): PasswordHasher {
  const run = limitConcurrency(availableParallelism());
  return {
    hash: (password) => run(() => argon2.hash(password, options)),
    async verify(hash, password) {
      try {
        return await run(() => argon2.verify(hash, password));
      } catch {
        return false;
      }
    },
  };
}

let cachedDummyHash: Promise<string> | undefined;

/** A hash of a random password, made once, for equal-time answers to unknown accounts. */
export function dummyPasswordHash(hasher: PasswordHasher): Promise<string> {
  cachedDummyHash ??= hasher.hash(randomBytes(32).toString('base64url'));
  return cachedDummyHash;
}
