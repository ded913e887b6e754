import { createHmac } from 'node:crypto';
import type { Hmac } from '../core/totp.js';

const nodeNames = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' } as const;

/** The HMAC port of core/totp.ts on node:crypto. */
export const nodeHmac: Hmac = (algorithm, key, message) => new Uint8Array(createHmac(nodeNames[algorithm], key).update(message).digest());
