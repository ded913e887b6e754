import { describe, expect, it } from 'vitest';
import { formatRecoveryCode, generateRecoveryCodes, normaliseRecoveryCode } from './recovery-codes.js';
import type { Random } from './ports.js';

function sequenceRandom(values: number[]): Random {
  let i = 0;
  return { bytes: (n) => new Uint8Array(n), int: (max) => values[i++ % values.length]! % max };
}

describe('recovery codes (R1)', () => {
  it('makes 8 distinct codes of 8 digits', () => {
    let state = 7;
    const random: Random = { bytes: (n) => new Uint8Array(n), int: (max) => (state = (state * 48271) % 2147483647) % max };
    const codes = generateRecoveryCodes(random);
    expect(codes).toHaveLength(8);
    expect(new Set(codes).size).toBe(8);
    for (const code of codes) expect(code).toMatch(/^\d{8}$/);
  });

  it('draws again when a code repeats', () => {
    const codes = generateRecoveryCodes(sequenceRandom([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2]), 2);
    expect(codes).toEqual(['11111111', '22222222']);
  });

  it('shows codes as 1234-5678 and accepts them with or without dash or spaces', () => {
    expect(formatRecoveryCode('12345678')).toBe('1234-5678');
    expect(normaliseRecoveryCode('1234-5678')).toBe('12345678');
    expect(normaliseRecoveryCode(' 1234 5678 ')).toBe('12345678');
    expect(normaliseRecoveryCode('12345678')).toBe('12345678');
    expect(normaliseRecoveryCode('1234-567')).toBeUndefined();
    expect(normaliseRecoveryCode('abcd-efgh')).toBeUndefined();
  });
});
