// Identifiers are UUIDv7 (RFC 9562 §5.7): unique, and ordered by creation time so that cursor
// paging and "newest first" need no extra column.
import type { Random } from './ports.js';

export function newId(nowInMs: number, random: Random): string {
  const bytes = random.bytes(16);
  const time = BigInt(nowInMs);
  for (let i = 0; i < 6; i++) bytes[i] = Number((time >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const counterBits = 74n; // rand_a (12 bits) and rand_b (62 bits), around the version and variant
const counterLimit = 1n << counterBits;

/**
 * A UUIDv7 that sorts after `previous` when both fall in the same millisecond: the previous
 * id's random bits plus a random step (RFC 9562 §6.2, method 2), so rows written one after another
 * in a millisecond keep their order. Otherwise (another millisecond, or a clock set back) a fresh
 * id, so the timestamp always says when the row was made.
 */
export function newIdAfter(previous: string | undefined, nowInMs: number, random: Random): string {
  if (previous === undefined || timestampOf(previous) !== nowInMs) return newId(nowInMs, random);
  const value = BigInt(`0x${previous.replace(/-/g, '')}`);
  const counter = (((value >> 64n) & 0xfffn) << 62n) | (value & ((1n << 62n) - 1n));
  // A step of 1 to 2^16 keeps the next id hard to guess from the previous one.
  const next = counter + 1n + BigInt(random.int(1 << 16));
  // Out of room in this millisecond (practically never): a fresh id of the next one.
  if (next >= counterLimit) return newId(nowInMs + 1, random);
  const bits = (BigInt(nowInMs) << 80n) | (0x7n << 76n) | ((next >> 62n) << 64n) | (0x2n << 62n) | (next & ((1n << 62n) - 1n));
  const hex = bits.toString(16).padStart(32, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function timestampOf(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isId(value: string): boolean {
  return uuidShape.test(value);
}
