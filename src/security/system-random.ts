import { randomInt } from 'node:crypto';
import type { Clock, Random } from '../core/ports.js';
import { pooledRandomBytes } from './random-pool.js';

export const systemRandom: Random = {
  bytes: (length) => new Uint8Array(pooledRandomBytes(length)),
  int: (maxExclusive) => randomInt(maxExclusive),
};

export const systemClock: Clock = { now: () => new Date() };
