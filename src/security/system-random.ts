import { randomBytes, randomInt } from 'node:crypto';
import type { Clock, Random } from '../core/ports.js';

export const systemRandom: Random = {
  bytes: (length) => new Uint8Array(randomBytes(length)),
  int: (maxExclusive) => randomInt(maxExclusive),
};

export const systemClock: Clock = { now: () => new Date() };
