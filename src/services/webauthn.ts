// W1 W4: a member's security keys and passkeys: registering (two ceremonies), listing, renaming
// and removing them (with the D1 rules). Each change is audited in its transaction and e-mailed
// after the commit. The protocol runs in webauthn-ceremonies.ts; the lock in webauthn-assertions.ts.
import { twoFactorRequiredBy } from '../core/policy.js';
import { findAttestationRoots } from '../store/webauthn-attestation-roots.js';
import { verifyAttestationTrust } from './attestation-certificates.js';
import { credentialNameOf, decodeAllowedAuthenticators, checkAuthenticatorModel, isMethodCounted, storageOf, webAuthnChallengeLifetimeInMs, type WebAuthnKind } from '../core/webauthn.js';
import { newId } from '../core/ids.js';
import { twoFactorEnabledMessage, webAuthnChangedMessage } from '../mail/templates.js';
import { deleteRecoveryCodes, setRecoveryCodesRegenerationRequired } from '../store/recovery-codes.js';
import type { WebAuthnChallengePurpose } from '../store/schema.js';
import { setSecondFactorVerifiedAt } from '../store/sessions.js';
import { hasSmsNumber } from '../store/text-messages.js';
import { hasTotpCredential } from '../store/totp.js';
import {
  countWebAuthnCredentials,
  deleteWebAuthnCredential,
  findWebAuthnCredentialByCredentialId,
  findWebAuthnCredentialOfUser,
  insertWebAuthnChallenge,
  insertWebAuthnCredential,
  listWebAuthnCredentials,
  renameWebAuthnCredential,
  takeWebAuthnChallenge,
} from '../store/webauthn.js';
import { memberActor, recordAudit } from './audit.js';
import { fail, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import { forgetRememberedBrowsers } from './known-browsers.js';
import { issueRecoveryCodes } from './recovery-codes.js';
import { attemptSecondFactorCode } from './second-factor-codes.js';
import { completeSetupSessions, factorPolicyOf, type Authenticated, type StartedSession } from './sessions.js';
import { attemptWebAuthnAssertion, credentialOfAssertion } from './webauthn-assertions.js';
import { claimedChallengeOf, creationOptions, requestOptions, verifyRegistration, type AuthenticationResponseJSON, type RegistrationResponseJSON } from './webauthn-ceremonies.js';

export interface CredentialView {
  id: string;
  name: string;
  kind: WebAuthnKind;
  /** W1: synced (backup eligible) or bound to one device. */
  storage: 'synced' | 'device_bound';
  userVerified: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

export async function listCredentials(context: AppContext, userId: string): Promise<CredentialView[]> {
  const rows = await listWebAuthnCredentials(context.db, userId);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    kind: row.kind,
    storage: storageOf(row.backupEligible === 1),
    userVerified: row.userVerified === 1,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
  }));
}

export { factorPolicyOf };

/** Stores a ceremony's challenge for 5 minutes; it is taken once when the answer comes. */
export async function rememberChallenge(context: AppContext, challenge: string, purpose: WebAuthnChallengePurpose, userId: string | null): Promise<void> {
  const now = nowInMs(context);
  await insertWebAuthnChallenge(context.db, { id: newId(now, context.random), challenge, purpose, userId, createdAt: now, expiresAt: now + webAuthnChallengeLifetimeInMs });
}

/** W1 W4: creation options for a passkey or a security key. */
export async function startWebAuthnRegistration(context: AppContext, auth: Authenticated, kind: WebAuthnKind): Promise<Outcome<{ options: unknown }>> {
  if (auth.user.emailVerifiedAt === null) return fail('email_not_verified', { detail: 'Verify your e-mail address before turning on two-factor authentication.' });
  if (!isMethodCounted('webauthn', { ...factorPolicyOf(auth.organization), requirePhishingResistant: false })) {
    return fail('method_not_allowed', { detail: 'Your organization does not allow security keys and passkeys.' });
  }
  const existing = await listWebAuthnCredentials(context.db, auth.user.id);
  // W5: with an allow-list of models the authenticator must show its attestation statement.
  const attestation = auth.organization.allowedAuthenticators === null ? 'none' : 'direct';
  const options = await creationOptions(context, {
    kind,
    rpName: auth.organization.brandName ?? auth.organization.name,
    userHandle: auth.user.id,
    email: auth.user.email,
    displayName: auth.user.name,
    existing,
    attestation,
  });
  await rememberChallenge(context, options.challenge, kind === 'passkey' ? 'register_passkey' : 'register_security_key', auth.user.id);
  return { ok: true, options };
}

const registrationRefused = () => fail('webauthn_rejected', { detail: 'The security key or passkey could not be registered. Start again.' });

/**
 * W1: verifies the new credential and stores it. On the member's first factor it also returns
 * recovery codes (T6) and ends a setup-only session (P5).
 */
export async function finishWebAuthnRegistration(
  context: AppContext,
  auth: Authenticated,
  input: { name?: string; response: RegistrationResponseJSON },
  origin: RequestOrigin,
): Promise<Outcome<{ id: string; recoveryCodes?: string[]; session?: StartedSession }>> {
  const userId = auth.user.id;
  const now = nowInMs(context);
  const challenge = claimedChallengeOf(input.response);
  if (challenge === undefined) return registrationRefused();
  // Taken once, before anything else: a second answer to the same options is refused.
  const purpose = await takeWebAuthnChallenge(context.db, challenge, ['register_passkey', 'register_security_key'], userId, now);
  if (!purpose) return registrationRefused();
  const kind: WebAuthnKind = purpose === 'register_passkey' ? 'passkey' : 'security_key';
  const registered = await verifyRegistration(context, input.response, challenge, kind);
  if (!registered) return registrationRefused();
  const allowedModels = decodeAllowedAuthenticators(auth.organization.allowedAuthenticators);
  const model = checkAuthenticatorModel(allowedModels, registered);
  // W5: the statement's signature was checked by the library; that its chain leads to a root the
  // administrator supplied for this model is checked here, offline, at the server's clock.
  // The verdict: the model's when it is refused (or no list is set), else its chain's.
  const verdict = model.ok && allowedModels !== null ? verifyAttestationTrust(registered.attestationCertificates, await findAttestationRoots(context.db, auth.organization.id, registered.aaguid.toLowerCase()), registered.aaguid, now) : model;
  if (!verdict.ok) {
    // Administrators see refused models in the audit log: a member trying an unlisted key, or a
    // key whose attestation does not lead to the root given for its model.
    await recordAudit(context.db, context, { organizationId: auth.organization.id, type: 'two_factor.webauthn_refused', actor: memberActor(userId), targetUserId: userId, origin, details: { kind, aaguid: registered.aaguid, reason: verdict.reason } });
    return fail('method_not_allowed', { detail: 'Your organization does not allow this model of security key or passkey.' });
  }
  if (await findWebAuthnCredentialByCredentialId(context.db, registered.credentialId)) return fail('webauthn_already_registered');
  const name = credentialNameOf(input.name, kind);
  const id = newId(now, context.random);
  const done = await context.db.transaction().execute(async (trx) => {
    const isFirstFactor = !(await hasTotpCredential(trx, userId)) && !(await hasSmsNumber(trx, userId)) && (await countWebAuthnCredentials(trx, userId)) === 0;
    const { attested: _attested, attestationCertificates: _certificates, ...stored } = registered;
    await insertWebAuthnCredential(trx, { id, userId, ...stored, kind, name, createdAt: now });
    let recoveryCodes: string[] | undefined;
    // P5 W5: a setup-only session ends here (also for a member whose other factors do not count).
    const session = await completeSetupSessions(trx, context, auth, origin);
    if (isFirstFactor) recoveryCodes = await issueRecoveryCodes(trx, context, userId);
    // A5: the new credential was just used in this session.
    if (!session) await setSecondFactorVerifiedAt(trx, auth.session.id, now);
    await recordAudit(trx, context, {
      organizationId: auth.organization.id,
      type: 'two_factor.webauthn_added',
      actor: memberActor(userId),
      targetUserId: userId,
      origin,
      details: { credentialId: id, name, kind, aaguid: registered.aaguid, storage: storageOf(registered.backupEligible), userVerified: registered.userVerified, firstFactor: isFirstFactor },
    });
    return { recoveryCodes, session };
  });
  context.mailer.send(done.recoveryCodes ? twoFactorEnabledMessage(auth.user.email, 'webauthn') : webAuthnChangedMessage(auth.user.email, { action: 'added', name }), origin);
  return { ok: true, id, ...(done.recoveryCodes && { recoveryCodes: done.recoveryCodes }), ...(done.session && { session: done.session }) };
}

export async function renameCredential(context: AppContext, auth: Authenticated, id: string, rawName: string, origin: RequestOrigin): Promise<Outcome> {
  const userId = auth.user.id;
  const existing = await findWebAuthnCredentialOfUser(context.db, userId, id);
  if (!existing) return fail('not_found', { detail: 'There is no such security key or passkey.' });
  const name = credentialNameOf(rawName, existing.kind);
  const renamed = await context.db.transaction().execute(async (trx) => {
    if (!(await renameWebAuthnCredential(trx, userId, id, name))) return false;
    await recordAudit(trx, context, { organizationId: auth.organization.id, type: 'two_factor.webauthn_renamed', actor: memberActor(userId), targetUserId: userId, origin, details: { credentialId: id, from: existing.name, to: name } });
    return true;
  });
  if (!renamed) return fail('not_found', { detail: 'There is no such security key or passkey.' });
  context.mailer.send(webAuthnChangedMessage(auth.user.email, { action: 'renamed', name }), origin);
  return { ok: true };
}

/** D1: request options to confirm a change with one of the member's credentials. */
export async function startWebAuthnConfirmation(context: AppContext, auth: Authenticated): Promise<Outcome<{ options: unknown }>> {
  const credentials = await listWebAuthnCredentials(context.db, auth.user.id);
  if (credentials.length === 0) return fail('not_found', { detail: 'There is no security key or passkey.' });
  const options = await requestOptions(context, { credentials, userVerification: 'preferred' });
  await rememberChallenge(context, options.challenge, 'confirm', auth.user.id);
  return { ok: true, options };
}

/**
 * W1 D1: removes a credential with a current code of any factor or a fresh assertion. When it is
 * the member's last factor it is refused if two-factor authentication is required of them, and
 * otherwise takes the recovery codes (and remembered browsers) with it.
 */
export async function removeCredential(
  context: AppContext,
  auth: Authenticated,
  id: string,
  proof: { code?: string; response?: AuthenticationResponseJSON },
  origin: RequestOrigin,
): Promise<Outcome> {
  const userId = auth.user.id;
  const existing = await findWebAuthnCredentialOfUser(context.db, userId, id);
  if (!existing) return fail('not_found', { detail: 'There is no such security key or passkey.' });
  const otherFactors = (await hasTotpCredential(context.db, userId)) || (await hasSmsNumber(context.db, userId)) || (await countWebAuthnCredentials(context.db, userId)) > 1;
  const isOnlyFactor = !otherFactors;
  if (isOnlyFactor && twoFactorRequiredBy({ organizationRequirement: auth.organization.twoFactorRequirement, memberRequired: auth.user.twoFactorRequired === 1 }) !== null) {
    return fail('two_factor_required_by_policy', { detail: 'Your organization requires two-factor authentication: add another method before removing this one.' });
  }
  const remove = async (trx: Parameters<Parameters<typeof attemptSecondFactorCode>[5]>[0], confirmedWith: string) => {
    await deleteWebAuthnCredential(trx, userId, id);
    if (isOnlyFactor) {
      await deleteRecoveryCodes(trx, userId);
      await setRecoveryCodesRegenerationRequired(trx, userId, false);
      await forgetRememberedBrowsers(trx, context, auth.user, 'two_factor_disabled', memberActor(userId), origin);
    }
    await recordAudit(trx, context, { organizationId: auth.organization.id, type: 'two_factor.webauthn_removed', actor: memberActor(userId), targetUserId: userId, origin, details: { credentialId: id, name: existing.name, confirmedWith, twoFactorOff: isOnlyFactor } });
  };
  let done: Outcome;
  if (proof.response) {
    const credential = await credentialOfAssertion(context, proof.response);
    const check = { purpose: 'confirm', requireUserVerification: false, challengeUserId: userId, countsFailures: true } as const;
    done = await attemptWebAuthnAssertion(context, auth.user, credential, proof.response, check, origin, memberActor(userId), (trx) => remove(trx, 'webauthn'));
  } else if (proof.code !== undefined) {
    // L3: guessing the code here counts towards the same per-member lock as at sign-in.
    done = await attemptSecondFactorCode(context, auth.user, proof.code, origin, memberActor(userId), (trx, method) => remove(trx, method));
  } else {
    return fail('validation_failed', { fieldErrors: [{ field: 'code', message: 'Enter a current code, or use one of your security keys or passkeys.' }] });
  }
  if (!done.ok) return done;
  context.mailer.send(webAuthnChangedMessage(auth.user.email, { action: 'removed', name: existing.name, twoFactorOff: isOnlyFactor }), origin);
  return { ok: true };
}

/** A5: one of the member's keys proves a second factor in this session (as a code does at re-authentication). */
export async function confirmWithCredential(context: AppContext, auth: Authenticated, response: AuthenticationResponseJSON, origin: RequestOrigin): Promise<Outcome> {
  const userId = auth.user.id;
  const credential = await credentialOfAssertion(context, response);
  const check = { purpose: 'confirm', requireUserVerification: false, challengeUserId: userId, countsFailures: true } as const;
  const done = await attemptWebAuthnAssertion(context, auth.user, credential, response, check, origin, memberActor(userId), async (trx, accepted) => {
    await setSecondFactorVerifiedAt(trx, auth.session.id, nowInMs(context));
    await recordAudit(trx, context, { organizationId: auth.organization.id, type: 'user.reauthenticated', actor: memberActor(userId), targetUserId: userId, origin, details: { secondFactor: 'webauthn', credentialId: accepted.credential.id } });
  });
  return done.ok ? { ok: true } : done;
}
