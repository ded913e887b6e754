// RFC 4648 §6 base32, the alphabet authenticator apps expect for TOTP keys.

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Encodes without padding, as the Key URI format asks. */
export function encodeBase32(bytes: Uint8Array): string {
  let output = '';
  let buffer = 0;
  let bitsInBuffer = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bitsInBuffer += 8;
    while (bitsInBuffer >= 5) {
      output += alphabet[(buffer >>> (bitsInBuffer - 5)) & 31];
      bitsInBuffer -= 5;
    }
    buffer &= (1 << bitsInBuffer) - 1;
  }
  if (bitsInBuffer > 0) output += alphabet[(buffer << (5 - bitsInBuffer)) & 31];
  return output;
}

/** Decodes case-insensitively, ignoring spaces, dashes and padding; undefined when not base32. */
export function decodeBase32(text: string): Uint8Array | undefined {
  const cleaned = text.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
  const bytes: number[] = [];
  let buffer = 0;
  let bitsInBuffer = 0;
  for (const character of cleaned) {
    const value = alphabet.indexOf(character);
    if (value === -1) return undefined;
    buffer = (buffer << 5) | value;
    bitsInBuffer += 5;
    if (bitsInBuffer >= 8) {
      bytes.push((buffer >>> (bitsInBuffer - 8)) & 255);
      bitsInBuffer -= 8;
    }
    buffer &= (1 << bitsInBuffer) - 1;
  }
  return Uint8Array.from(bytes);
}

/** T2: the key in groups of four for typing by hand, e.g. `JBSW Y3DP EHPK 3PXP`. */
export function groupForReading(base32: string): string {
  return base32.match(/.{1,4}/g)?.join(' ') ?? '';
}
