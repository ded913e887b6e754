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
 * Thrown when the hash queue is full: the caller answers 503 `busy` with Retry-After instead of
 * waiting, so a flood of passwords cannot queue up work that starves everyone's sign-in.
 */
export class PasswordHasherBusy extends Error {
  readonly retryAfterInMs = 2000;
  constructor() {
    super('The password hash queue is full.');
  }
}

export interface PasswordHashLimits {
  /** Hashes running at once (default: one per core). */
  concurrency?: number;
  /** Hashes waiting for a turn; one more is refused with PasswordHasherBusy (PASSWORD_HASH_QUEUE, default 64). */
  maxWaiting?: number;
}

export const defaultPasswordHashQueue = 64;

/**
 * At most one hash per core at a time: more only contend for the same cores, hold 19 MiB each,
 * and take every thread of libuv's pool (default 4), which file and DNS work also need. At most
 * `maxWaiting` more wait; beyond that the work is refused at once rather than queued without end.
 */
function limitConcurrency(limit: number, maxWaiting: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (running >= limit) {
      if (waiting.length >= maxWaiting) throw new PasswordHasherBusy();
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

export function createArgon2Hasher(limits: PasswordHashLimits = {}): PasswordHasher {
  const run = limitConcurrency(limits.concurrency ?? availableParallelism(), limits.maxWaiting ?? defaultPasswordHashQueue);
  return {
    hash: (password) => run(() => argon2.hash(password, options)),
    async verify(hash, password) {
      const verifyOrFalse = async () => {
        try {
          return await argon2.verify(hash, password);
        } catch {
          // A malformed stored hash matches nothing.
          return false;
        }
      };
      return run(verifyOrFalse);
    },
  };
}

let cachedDummyHash: Promise<string> | undefined;

/** A hash of a random password, made once, for equal-time answers to unknown accounts. */
export function dummyPasswordHash(hasher: PasswordHasher): Promise<string> {
  cachedDummyHash ??= hasher.hash(randomBytes(32).toString('base64url'));
  // A full queue must not leave a refused promise cached for good.
  cachedDummyHash.catch(() => (cachedDummyHash = undefined));
  return cachedDummyHash;
}
