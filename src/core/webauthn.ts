// W1–W5: the rules of security keys and passkeys, free of I/O (the ceremonies themselves run in
// @simplewebauthn/server behind services/webauthn-ceremonies.ts).

const minute = 60 * 1000;

/** A ceremony's challenge is good for this long, once (W1–W3). */
export const webAuthnChallengeLifetimeInMs = 5 * minute;
/**
 * W3: anyone may ask for passkey sign-in options (the page asks on every load), and each stores a
 * challenge: per client address at most this many in a window.
 */
export const passkeyOptionsPerAddress = { name: 'passkey:options:address', limit: 120, windowInMs: 5 * minute } as const;

/** What the browser is told to wait for the authenticator. */
export const webAuthnCeremonyTimeoutInMs = 2 * minute;

export type WebAuthnKind = 'passkey' | 'security_key';

/**
 * W4: a passkey must be discoverable (W3 signs in without an e-mail) and verify its user; a
 * security key is asked to verify the user when it can.
 */
export function authenticatorSelectionFor(kind: WebAuthnKind) {
  return kind === 'passkey'
    ? ({ residentKey: 'required', requireResidentKey: true, userVerification: 'required' } as const)
    : ({ residentKey: 'discouraged', requireResidentKey: false, userVerification: 'preferred' } as const);
}

/** W4: a passkey registration without user verification is refused; a security key's is not. */
export function requiresUserVerificationAtRegistration(kind: WebAuthnKind): boolean {
  return kind === 'passkey';
}

export type SignCounterCheck = { ok: true } | { ok: false; reason: 'counter_not_increased' };

/**
 * W2, WebAuthn Level 3 §6.1.1: a signature counter must grow. Authenticators without one (many
 * synced passkeys) always send 0; a counter that stays or goes back after a non-zero value means
 * two authenticators hold the same key (a clone), so the assertion is refused.
 */
export function checkSignCounter(storedCounter: number, receivedCounter: number): SignCounterCheck {
  if (storedCounter === 0 && receivedCounter === 0) return { ok: true };
  return receivedCounter > storedCounter ? { ok: true } : { ok: false, reason: 'counter_not_increased' };
}

/** W1: synced (backup eligible) or bound to one device, from the backup flags (WebAuthn §6.1, BE). */
export function storageOf(backupEligible: boolean): 'synced' | 'device_bound' {
  return backupEligible ? 'synced' : 'device_bound';
}

export const credentialNameMaxLength = 64;

/** W1: a name the member gives; blank names get the kind's label. */
export function credentialNameOf(input: string | undefined, kind: WebAuthnKind): string {
  const trimmed = (input ?? '').trim().replace(/\s+/g, ' ').slice(0, credentialNameMaxLength);
  if (trimmed.length > 0) return trimmed;
  return kind === 'passkey' ? 'Passkey' : 'Security key';
}

/** W5: the second factors an organization can count. */
export type FactorMethod = 'totp' | 'sms' | 'webauthn';
export const factorMethods: readonly FactorMethod[] = ['totp', 'sms', 'webauthn'];

export interface FactorPolicy {
  /** null: every method counts. */
  allowedMethods: readonly FactorMethod[] | null;
  /** Only security keys and passkeys satisfy the requirement. */
  requirePhishingResistant: boolean;
}

/** W5: whether a method counts under the organization's policy. */
export function isMethodCounted(method: FactorMethod, policy: FactorPolicy): boolean {
  if (policy.requirePhishingResistant && method !== 'webauthn') return false;
  return policy.allowedMethods === null || policy.allowedMethods.includes(method);
}

/**
 * W5 P5: whether a member's factors satisfy the requirement. With "require phishing-resistant
 * sign-in" a member with only an authenticator app or a phone is treated as not set up.
 */
export function hasCountedFactor(methods: readonly FactorMethod[], policy: FactorPolicy): boolean {
  return methods.some((method) => isMethodCounted(method, policy));
}

export type FactorPolicyCheck = { ok: true } | { ok: false; reason: 'no_method_allowed' | 'phishing_resistant_needs_webauthn' };

/** W5: a policy must leave at least one method, and WebAuthn when it is the only one that counts. */
export function checkFactorPolicy(policy: FactorPolicy): FactorPolicyCheck {
  if (policy.allowedMethods !== null && policy.allowedMethods.length === 0) return { ok: false, reason: 'no_method_allowed' };
  if (policy.requirePhishingResistant && policy.allowedMethods !== null && !policy.allowedMethods.includes('webauthn')) return { ok: false, reason: 'phishing_resistant_needs_webauthn' };
  return { ok: true };
}

/** Parses a stored JSON list of methods; anything unknown is dropped (null stays null: all). */
export function decodeAllowedMethods(stored: string | null): FactorMethod[] | null {
  if (stored === null) return null;
  try {
    const parsed: unknown = JSON.parse(stored);
    if (!Array.isArray(parsed)) return null;
    return factorMethods.filter((method) => parsed.includes(method));
  } catch {
    return null;
  }
}

const aaguidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function normaliseAaguid(input: string): string | undefined {
  const lower = input.trim().toLowerCase();
  return aaguidPattern.test(lower) ? lower : undefined;
}

export function decodeAllowedAuthenticators(stored: string | null): string[] | null {
  if (stored === null) return null;
  try {
    const parsed: unknown = JSON.parse(stored);
    if (!Array.isArray(parsed)) return null;
    return parsed.flatMap((value) => {
      const aaguid = typeof value === 'string' ? normaliseAaguid(value) : undefined;
      return aaguid === undefined ? [] : [aaguid];
    });
  } catch {
    return null;
  }
}

export type AuthenticatorModelCheck = { ok: true } | { ok: false; reason: 'model_not_allowed' | 'attestation_required' };

/**
 * W5: with an allow-list, a credential is accepted only when its attestation statement carries a
 * certificate chain (x5c) and names an allowed model; that the chain leads to the administrator's
 * root for that model is checked next (core/attestation-chain.ts). The AAGUID of a credential
 * registered without attestation ('none', or self-attestation) cannot be trusted, so it is refused.
 */
export function checkAuthenticatorModel(allowed: readonly string[] | null, credential: { aaguid: string; attested: boolean }): AuthenticatorModelCheck {
  if (allowed === null) return { ok: true };
  if (!credential.attested) return { ok: false, reason: 'attestation_required' };
  return allowed.includes(credential.aaguid.toLowerCase()) ? { ok: true } : { ok: false, reason: 'model_not_allowed' };
}
