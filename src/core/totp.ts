// HOTP (RFC 4226) and TOTP (RFC 6238). HMAC arrives as a parameter so this file stays pure.
import { constantTimeEqual } from './constant-time.js';

export type HmacAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';
export type Hmac = (algorithm: HmacAlgorithm, key: Uint8Array, message: Uint8Array) => Uint8Array;

export interface TotpParameters {
  algorithm: HmacAlgorithm;
  digits: 6 | 7 | 8;
  periodInSeconds: number;
}

export const defaultTotpParameters: TotpParameters = { algorithm: 'SHA1', digits: 6, periodInSeconds: 30 };

/** T5: one step either side of the current one absorbs clock drift and typing time. */
export const acceptedStepDrift = 1;

export function generateHotp(hmac: Hmac, key: Uint8Array, counter: number, digits: number, algorithm: HmacAlgorithm = 'SHA1'): string {
  const message = new Uint8Array(8);
  new DataView(message.buffer).setBigUint64(0, BigInt(counter));
  const digest = hmac(algorithm, key, message);
  // RFC 4226 §5.4 dynamic truncation.
  const offset = digest[digest.length - 1]! & 0x0f;
  const binary = ((digest[offset]! & 0x7f) << 24) | (digest[offset + 1]! << 16) | (digest[offset + 2]! << 8) | digest[offset + 3]!;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export function timeStepAt(nowInMs: number, periodInSeconds: number): number {
  return Math.floor(nowInMs / 1000 / periodInSeconds);
}

export function generateTotp(hmac: Hmac, key: Uint8Array, nowInMs: number, parameters: TotpParameters = defaultTotpParameters): string {
  return generateHotp(hmac, key, timeStepAt(nowInMs, parameters.periodInSeconds), parameters.digits, parameters.algorithm);
}

export type TotpVerification = { ok: true; step: number } | { ok: false; reason: 'invalid_code' | 'replayed' };

/**
 * Checks a code against the current step and one either side. A step at or before
 * `lastAcceptedStep` is refused as a replay (T5); the caller must still record the returned step
 * atomically, since two requests can pass this check at once.
 */
export function verifyTotp(
  hmac: Hmac,
  key: Uint8Array,
  code: string,
  nowInMs: number,
  lastAcceptedStep: number | null,
  parameters: TotpParameters = defaultTotpParameters,
): TotpVerification {
  if (code.length !== parameters.digits || !/^\d+$/.test(code)) return { ok: false, reason: 'invalid_code' };
  const current = timeStepAt(nowInMs, parameters.periodInSeconds);
  let matchedStep: number | undefined;
  // Every candidate is computed and compared, so timing does not reveal which step matched.
  for (let step = current - acceptedStepDrift; step <= current + acceptedStepDrift; step++) {
    const candidate = generateHotp(hmac, key, step, parameters.digits, parameters.algorithm);
    if (constantTimeEqual(candidate, code) && matchedStep === undefined) matchedStep = step;
  }
  if (matchedStep === undefined) return { ok: false, reason: 'invalid_code' };
  if (lastAcceptedStep !== null && matchedStep <= lastAcceptedStep) return { ok: false, reason: 'replayed' };
  return { ok: true, step: matchedStep };
}

export interface KeyUriInput {
  issuer: string;
  accountName: string;
  secretBase32: string;
  parameters?: TotpParameters;
}

/** T2: the Key URI format (`otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…`) that QR codes carry. */
export function buildTotpKeyUri(input: KeyUriInput): string {
  const parameters = input.parameters ?? defaultTotpParameters;
  const label = `${encodeURIComponent(input.issuer)}:${encodeURIComponent(input.accountName)}`;
  const query = [
    `secret=${input.secretBase32}`,
    `issuer=${encodeURIComponent(input.issuer)}`,
    `algorithm=${parameters.algorithm}`,
    `digits=${parameters.digits}`,
    `period=${parameters.periodInSeconds}`,
  ].join('&');
  return `otpauth://totp/${label}?${query}`;
}
