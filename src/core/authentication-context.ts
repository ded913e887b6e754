// O4/O5: what a Tessera session says about how its member signed in (RFC 8176 `amr`, our `acr`
// values), and whether it satisfies what an application's authorization request demands.
// Everything in this file must remain free of I/O: the caller passes the session and the time.

export const acrPassword = 'urn:tessera:acr:password';
export const acrMfa = 'urn:tessera:acr:mfa';
export const acrPhishingResistant = 'urn:tessera:acr:phishing-resistant';
export const supportedAcrValues = [acrPassword, acrMfa, acrPhishingResistant] as const;

export type CompletedSecondFactor = 'totp' | 'sms' | 'recovery_code' | 'webauthn' | 'passkey';

/**
 * RFC 8176 §2: `pwd` always, but for a passkey sign-in (W3, no password); `otp` for an
 * authenticator app or a recovery code (one-time passwords), `sms` for a texted code, `hwk` for a
 * security key or passkey (a proof of possession of a hardware-secured key); `mfa` with two
 * factors — a passkey sign-in is one too, as it verifies the user (W4: user verification required).
 */
export function amrOf(secondFactor: string | null | undefined): string[] {
  switch (secondFactor) {
    case 'webauthn':
      return ['pwd', 'hwk', 'mfa'];
    case 'passkey':
      return ['hwk', 'mfa'];
    case 'totp':
    case 'recovery_code':
      return ['pwd', 'otp', 'mfa'];
    case 'sms':
      return ['pwd', 'sms', 'mfa'];
    default:
      return ['pwd'];
  }
}

export function acrOf(secondFactor: string | null | undefined): string {
  if (isPhishingResistant(secondFactor)) return acrPhishingResistant;
  return isSecondFactor(secondFactor) ? acrMfa : acrPassword;
}

/** Whether a session's recorded method is a second factor (null or `password`: the password alone). */
export function isSecondFactor(method: string | null | undefined): method is CompletedSecondFactor {
  return method === 'totp' || method === 'sms' || method === 'recovery_code' || method === 'webauthn' || method === 'passkey';
}

/** W5: only a security key or passkey resists phishing (it answers only its own relying party). */
export function isPhishingResistant(method: string | null | undefined): boolean {
  return method === 'webauthn' || method === 'passkey';
}

export interface SessionFacts {
  /** When the sign-in that opened this session completed (a new session follows every step, A3). */
  authenticatedAtInMs: number;
  secondFactor: string | null | undefined;
  /** Whether the member has a second factor they could use. */
  hasTwoFactor: boolean;
}

export interface RequestDemands {
  /** `prompt=login`: a sign-in after the request was made. */
  promptLogin: boolean;
  requestedAtInMs: number;
  maxAgeInSeconds: number | undefined;
  /** `acr_values`, in the application's order of preference. */
  acrValues: readonly string[];
}

export type SessionDecision =
  | { ok: true }
  /** Sign in again (password, and the second factor when the member has one). */
  | { ok: false; reason: 'fresh_sign_in' | 'second_factor' }
  /** Nothing the member can do here gives what the application asks for. */
  | { ok: false; reason: 'unmet' };

/** O5: whether this session answers the request, or what Tessera must ask for first. */
export function decideSession(session: SessionFacts, demands: RequestDemands, nowInMs: number): SessionDecision {
  if (demands.promptLogin && session.authenticatedAtInMs < demands.requestedAtInMs) return { ok: false, reason: 'fresh_sign_in' };
  if (demands.maxAgeInSeconds !== undefined && nowInMs - session.authenticatedAtInMs > demands.maxAgeInSeconds * 1000) return { ok: false, reason: 'fresh_sign_in' };
  // Unknown values are ignored (OIDC Core §3.1.2.1: voluntary); none known means no demand.
  const known = demands.acrValues.filter((value) => (supportedAcrValues as readonly string[]).includes(value));
  if (known.length === 0 || known.includes(acrPassword)) return { ok: true };
  if (known.includes(acrMfa)) {
    if (isSecondFactor(session.secondFactor)) return { ok: true };
    return session.hasTwoFactor ? { ok: false, reason: 'second_factor' } : { ok: false, reason: 'unmet' };
  }
  // acrPhishingResistant: only a sign-in completed with a security key or passkey answers it.
  return isPhishingResistant(session.secondFactor) ? { ok: true } : { ok: false, reason: 'unmet' };
}
