// Redis for tests: the server on 127.0.0.1:6379 (TESSERA_TEST_REDIS_URL overrides), with a fresh
// key prefix per test file whose keys are deleted when the file is done.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';

export const redisUrl = process.env.TESSERA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ScratchRedis {
  /** Every key the file's counters write starts with it. */
  readonly keyPrefix: string;
  /** A client of the file's own, for looking at the counters (connected in beforeAll). */
  readonly admin: Redis;
}

/** Registers the file's hooks: connect before, delete the prefix's keys and disconnect after. */
export function useScratchRedis(): ScratchRedis {
  const keyPrefix = `tessera-test:${randomBytes(6).toString('hex')}:`;
  const admin = new Redis(redisUrl, { lazyConnect: true });
  beforeAll(async () => {
    await admin.connect();
  });
  afterAll(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await admin.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await admin.quit();
  });
  return { keyPrefix, admin };
}
