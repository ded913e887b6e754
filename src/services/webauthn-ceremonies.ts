// W1–W4: the small adapter around @simplewebauthn/server (the certified protocol code). Our
// relying party is PUBLIC_URL: its host is the RP id, its origin the only expected origin.
// Everything about challenges, counters, locks and policy stays outside, in our own code.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { decodeAttestationObject, isoBase64URL } from '@simplewebauthn/server/helpers';
import { authenticatorSelectionFor, requiresUserVerificationAtRegistration, webAuthnCeremonyTimeoutInMs, type WebAuthnKind } from '../core/webauthn.js';
import type { WebAuthnCredential } from '../store/schema.js';
import type { AppContext } from './context.js';

export type { AuthenticationResponseJSON, RegistrationResponseJSON };

/** ES256 first (every authenticator), then EdDSA and RS256 (Windows Hello). */
const supportedAlgorithmIds = [-7, -8, -257];

export function relyingPartyOf(context: Pick<AppContext, 'config'>): { rpId: string; origin: string } {
  return { rpId: context.config.publicUrl.hostname, origin: context.config.publicUrl.origin };
}

function newChallenge(context: AppContext): Uint8Array<ArrayBuffer> {
  return new Uint8Array(context.random.bytes(32));
}

function transportsOf(credential: WebAuthnCredential): AuthenticatorTransport[] {
  try {
    const parsed: unknown = JSON.parse(credential.transports);
    return Array.isArray(parsed) ? (parsed.filter((t) => typeof t === 'string') as AuthenticatorTransport[]) : [];
  } catch {
    return [];
  }
}

export async function creationOptions(
  context: AppContext,
  input: { kind: WebAuthnKind; rpName: string; userHandle: string; email: string; displayName: string; existing: readonly WebAuthnCredential[]; attestation: 'none' | 'direct' },
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { rpId } = relyingPartyOf(context);
  return generateRegistrationOptions({
    rpName: input.rpName,
    rpID: rpId,
    userName: input.email,
    userDisplayName: input.displayName,
    userID: new TextEncoder().encode(input.userHandle),
    challenge: newChallenge(context),
    timeout: webAuthnCeremonyTimeoutInMs,
    attestationType: input.attestation,
    excludeCredentials: input.existing.map((c) => ({ id: c.credentialId, transports: transportsOf(c) })),
    authenticatorSelection: authenticatorSelectionFor(input.kind),
    supportedAlgorithmIDs: supportedAlgorithmIds,
    preferredAuthenticatorType: input.kind === 'security_key' ? 'securityKey' : undefined,
  });
}

/** Request options: for the member's credentials (W2), or any discoverable one (W3, none listed). */
export async function requestOptions(context: AppContext, input: { credentials: readonly WebAuthnCredential[] | null; userVerification: 'required' | 'preferred' }): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const { rpId } = relyingPartyOf(context);
  return generateAuthenticationOptions({
    rpID: rpId,
    challenge: newChallenge(context),
    timeout: webAuthnCeremonyTimeoutInMs,
    userVerification: input.userVerification,
    allowCredentials: input.credentials === null ? [] : input.credentials.map((c) => ({ id: c.credentialId, transports: transportsOf(c) })),
  });
}

/** The challenge a response claims to answer (from its client data); undefined when unreadable. */
export function claimedChallengeOf(response: { response: { clientDataJSON: string } }): string | undefined {
  try {
    const clientData: unknown = JSON.parse(isoBase64URL.toUTF8String(response.response.clientDataJSON));
    if (typeof clientData !== 'object' || clientData === null) return undefined;
    const challenge = (clientData as { challenge?: unknown }).challenge;
    return typeof challenge === 'string' && challenge.length > 0 && challenge.length <= 200 ? challenge : undefined;
  } catch {
    return undefined;
  }
}

export interface RegisteredCredential {
  credentialId: string;
  publicKey: string;
  counter: number;
  transports: string[];
  aaguid: string;
  backupEligible: boolean;
  backedUp: boolean;
  userVerified: boolean;
  /**
   * Whether a verified attestation statement carries a certificate chain (x5c) naming the model:
   * 'none' and self-attestation prove nothing about the model (W5).
   */
  attested: boolean;
  /** W5: the attestation statement's x5c (DER, leaf first); empty without one. */
  attestationCertificates: Uint8Array[];
}

/** The x5c of a verified attestation statement (at most a few certificates; more is refused later). */
function attestationCertificatesOf(attestationObject: Parameters<typeof decodeAttestationObject>[0]): Uint8Array[] {
  const x5c: unknown = decodeAttestationObject(attestationObject).get('attStmt').get('x5c');
  return Array.isArray(x5c) ? x5c.filter((certificate): certificate is Uint8Array => certificate instanceof Uint8Array) : [];
}

/** W1 W4: verifies a registration (challenge, origin, RP id, user presence; user verification for a passkey); undefined when it fails. */
export async function verifyRegistration(context: AppContext, response: RegistrationResponseJSON, expectedChallenge: string, kind: WebAuthnKind): Promise<RegisteredCredential | undefined> {
  const { rpId, origin } = relyingPartyOf(context);
  try {
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge,
      expectedOrigin: origin,
      expectedRPID: rpId,
      requireUserPresence: true,
      requireUserVerification: requiresUserVerificationAtRegistration(kind),
      supportedAlgorithmIDs: supportedAlgorithmIds,
    });
    if (!result.verified) return undefined;
    const info = result.registrationInfo;
    return {
      credentialId: info.credential.id,
      publicKey: isoBase64URL.fromBuffer(info.credential.publicKey),
      counter: info.credential.counter,
      transports: (response.response.transports ?? []).filter((t) => typeof t === 'string').slice(0, 8),
      aaguid: info.aaguid,
      backupEligible: info.credentialDeviceType === 'multiDevice',
      backedUp: info.credentialBackedUp,
      userVerified: info.userVerified,
      attested: info.fmt !== 'none' && attestationCertificatesOf(info.attestationObject).length > 0,
      attestationCertificates: info.fmt === 'none' ? [] : attestationCertificatesOf(info.attestationObject),
    };
  } catch {
    // Any malformed or failing response: the library throws with a reason we do not pass on.
    return undefined;
  }
}

export interface VerifiedAssertion {
  newCounter: number;
  userVerified: boolean;
  backedUp: boolean;
}

/**
 * W2 W3: verifies an assertion (challenge, origin, RP id, signature, user presence; user
 * verification when asked). The signature counter is checked by the caller, atomically against the
 * stored one (core/webauthn.ts checkSignCounter), so the library is given 0 here.
 */
export async function verifyAssertion(context: AppContext, response: AuthenticationResponseJSON, expectedChallenge: string, credential: WebAuthnCredential, requireUserVerification: boolean): Promise<VerifiedAssertion | undefined> {
  const { rpId, origin } = relyingPartyOf(context);
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge,
      expectedOrigin: origin,
      expectedRPID: rpId,
      requireUserVerification,
      credential: { id: credential.credentialId, publicKey: isoBase64URL.toBuffer(credential.publicKey), counter: 0, transports: transportsOf(credential) },
    });
    if (!result.verified) return undefined;
    return { newCounter: result.authenticationInfo.newCounter, userVerified: result.authenticationInfo.userVerified, backedUp: result.authenticationInfo.credentialBackedUp };
  } catch {
    return undefined;
  }
}
