// Issue 16: random bytes for ids and tokens drawn from a pool the system's generator fills 4 KiB
// at a time. Each call into OpenSSL's generator costs about as much for 16 bytes as for 4 KiB,
// and a sign-in needs five (three ids, a session token, a browser token). Every byte is handed
// out once and wiped from the pool as it is taken.
import { randomBytes, randomFillSync } from 'node:crypto';

const poolSize = 4096;
/** Longer requests bypass the pool. */
const largestPooled = 256;

const pool = Buffer.allocUnsafeSlow(poolSize);
let offset = poolSize;

export function pooledRandomBytes(length: number): Buffer {
  if (length > largestPooled) return randomBytes(length);
  if (offset + length > poolSize) {
    randomFillSync(pool);
    offset = 0;
  }
  const taken = Buffer.allocUnsafe(length);
  pool.copy(taken, 0, offset, offset + length);
  pool.fill(0, offset, offset + length);
  offset += length;
  return taken;
}
