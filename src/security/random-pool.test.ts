import { describe, expect, it } from 'vitest';
import { pooledRandomBytes } from './random-pool.js';

describe('random bytes from the pool (issue 16)', () => {
  it('never hands out the same bytes twice, across refills', () => {
    const seen = new Set<string>();
    // 3,000 tokens of 32 bytes: about 23 refills of the 4 KiB pool.
    for (let i = 0; i < 3_000; i++) seen.add(pooledRandomBytes(32).toString('hex'));
    expect(seen.size).toBe(3_000);
  });

  it('gives each caller its own buffer, of the length asked for', () => {
    const first = pooledRandomBytes(16);
    const copy = Buffer.from(first);
    pooledRandomBytes(16);
    expect(first).toEqual(copy);
    expect(first).toHaveLength(16);
    expect(pooledRandomBytes(1_000)).toHaveLength(1_000);
  });

  it('looks uniform: every byte value turns up, none far more often than the others', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 1_000; i++) for (const byte of pooledRandomBytes(64)) counts[byte]!++;
    // 64,000 bytes: 250 per value expected; a fair source stays well within 150–350.
    expect(Math.min(...counts)).toBeGreaterThan(150);
    expect(Math.max(...counts)).toBeLessThan(350);
  });
});
