import { describe, expect, it } from 'vitest';
import { isId, newId, newIdAfter } from './ids.js';
import type { Random } from './ports.js';

/** A deterministic Random (xorshift32), so the tests need no global randomness. */
function seededRandom(seed: number): Random {
  let state = seed >>> 0 || 1;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  return { bytes: (length) => Uint8Array.from({ length }, () => next() & 0xff), int: (max) => next() % max };
}
const constantRandom = (byte: number): Random => ({ bytes: (length) => new Uint8Array(length).fill(byte), int: () => 0 });

const uuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const start = Date.UTC(2026, 10, 23, 9, 0, 0);

describe('ids: UUIDv7 (RFC 9562 §5.7)', () => {
  it('has the UUIDv7 shape: version 7, variant 10, lower-case hex', () => {
    const random = seededRandom(42);
    for (let i = 0; i < 200; i++) expect(newId(start + i, random)).toMatch(uuidV7);
    // Version and variant bits are forced whatever the random bytes are.
    expect(newId(start, constantRandom(0xff))).toMatch(uuidV7);
    expect(newId(start, constantRandom(0x00))).toMatch(uuidV7);
  });

  it('carries the millisecond timestamp in its first 48 bits', () => {
    const id = newId(start, seededRandom(7));
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(start);
    expect(newId(0, constantRandom(0))).toBe('00000000-0000-7000-8000-000000000000');
    expect(newId(2 ** 48 - 1, constantRandom(0xff)).slice(0, 13)).toBe('ffffffff-ffff');
  });

  it('sorts by creation time as a string, whatever the random part', () => {
    // The earlier id gets the largest random bits, the later one the smallest.
    expect(newId(start, constantRandom(0xff)) < newId(start + 1, constantRandom(0x00))).toBe(true);
    const random = seededRandom(99);
    const ids = Array.from({ length: 100 }, (_, i) => newId(start + i * 37, random));
    expect([...ids].sort()).toEqual(ids);
  });

  it('differs for the same millisecond with different randomness', () => {
    const random = seededRandom(3);
    const ids = new Set(Array.from({ length: 1000 }, () => newId(start, random)));
    expect(ids.size).toBe(1000);
  });

  it('isId accepts exactly the canonical lower-case form', () => {
    expect(isId(newId(start, seededRandom(5)))).toBe(true);
    for (const value of ['', 'not-an-id', '0192F2A4-0000-7000-8000-000000000000', '0192f2a400007000800000000000000', '0192f2a4-0000-7000-8000-0000000000000', ' 0192f2a4-0000-7000-8000-000000000000', '0192f2a4-0000-7000-8000-00000000000g']) {
      expect(isId(value), value).toBe(false);
    }
  });

  it('newIdAfter: ids made in one millisecond sort in the order they were made, and keep the shape', () => {
    const random = seededRandom(11);
    let previous: string | undefined;
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) {
      previous = newIdAfter(previous, start, random);
      ids.push(previous);
    }
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(1000);
    for (const id of ids) {
      expect(id).toMatch(uuidV7);
      expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(start);
    }
  });

  it('newIdAfter: another millisecond, or a clock set back, gives a fresh id of that time', () => {
    const random = seededRandom(5);
    const later = newId(start + 1000, constantRandom(0xff));
    expect(newIdAfter(later, start, random).startsWith(newId(start, random).slice(0, 13))).toBe(true);
    expect(newIdAfter(undefined, start, constantRandom(0))).toBe(newId(start, constantRandom(0)));
    // Out of room in the millisecond: the next millisecond.
    const full = newId(start, constantRandom(0xff));
    const next = newIdAfter(full, start, constantRandom(0));
    expect(parseInt(next.replace(/-/g, '').slice(0, 12), 16)).toBe(start + 1);
    expect(next > full).toBe(true);
  });
});
