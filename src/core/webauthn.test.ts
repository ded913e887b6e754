import { describe, expect, it } from 'vitest';
import {
  authenticatorSelectionFor,
  checkAuthenticatorModel,
  checkFactorPolicy,
  checkSignCounter,
  credentialNameOf,
  decodeAllowedAuthenticators,
  decodeAllowedMethods,
  hasCountedFactor,
  isMethodCounted,
  normaliseAaguid,
  requiresUserVerificationAtRegistration,
  storageOf,
} from './webauthn.js';

describe('W2 signature counter', () => {
  it('W2: accepts a growing counter and an authenticator without one (always 0)', () => {
    expect(checkSignCounter(0, 0)).toEqual({ ok: true });
    expect(checkSignCounter(0, 1)).toEqual({ ok: true });
    expect(checkSignCounter(41, 42)).toEqual({ ok: true });
  });
  it('W2: refuses a counter that stays, goes back, or drops to 0 after counting (a clone)', () => {
    expect(checkSignCounter(5, 5)).toEqual({ ok: false, reason: 'counter_not_increased' });
    expect(checkSignCounter(5, 3)).toEqual({ ok: false, reason: 'counter_not_increased' });
    expect(checkSignCounter(5, 0)).toEqual({ ok: false, reason: 'counter_not_increased' });
  });
});

describe('W4 ceremonies', () => {
  it('W4: a passkey is discoverable with user verification required; a security key prefers it', () => {
    expect(authenticatorSelectionFor('passkey')).toMatchObject({ residentKey: 'required', requireResidentKey: true, userVerification: 'required' });
    expect(authenticatorSelectionFor('security_key')).toMatchObject({ residentKey: 'discouraged', userVerification: 'preferred' });
    expect(requiresUserVerificationAtRegistration('passkey')).toBe(true);
    expect(requiresUserVerificationAtRegistration('security_key')).toBe(false);
  });
  it('W1: storage from the backup-eligible flag; names trimmed, bounded, with a default', () => {
    expect(storageOf(true)).toBe('synced');
    expect(storageOf(false)).toBe('device_bound');
    expect(credentialNameOf('  Blue   key ', 'security_key')).toBe('Blue key');
    expect(credentialNameOf('   ', 'passkey')).toBe('Passkey');
    expect(credentialNameOf(undefined, 'security_key')).toBe('Security key');
    expect(credentialNameOf('x'.repeat(100), 'passkey')).toHaveLength(64);
  });
});

describe('W5 policy', () => {
  const all = { allowedMethods: null, requirePhishingResistant: false };
  it('W5: every method counts by default; an allow-list narrows it', () => {
    expect(isMethodCounted('totp', all)).toBe(true);
    expect(isMethodCounted('sms', { allowedMethods: ['totp', 'webauthn'], requirePhishingResistant: false })).toBe(false);
    expect(hasCountedFactor(['sms'], { allowedMethods: ['totp'], requirePhishingResistant: false })).toBe(false);
    expect(hasCountedFactor(['sms', 'totp'], { allowedMethods: ['totp'], requirePhishingResistant: false })).toBe(true);
  });
  it('W5: with phishing-resistant sign-in required only WebAuthn counts', () => {
    const strict = { allowedMethods: null, requirePhishingResistant: true };
    expect(hasCountedFactor(['totp', 'sms'], strict)).toBe(false);
    expect(hasCountedFactor(['totp', 'webauthn'], strict)).toBe(true);
    expect(hasCountedFactor([], all)).toBe(false);
  });
  it('W5: a policy must leave a method, and WebAuthn when phishing-resistant sign-in is required', () => {
    expect(checkFactorPolicy(all)).toEqual({ ok: true });
    expect(checkFactorPolicy({ allowedMethods: [], requirePhishingResistant: false })).toEqual({ ok: false, reason: 'no_method_allowed' });
    expect(checkFactorPolicy({ allowedMethods: ['totp'], requirePhishingResistant: true })).toEqual({ ok: false, reason: 'phishing_resistant_needs_webauthn' });
    expect(checkFactorPolicy({ allowedMethods: ['webauthn'], requirePhishingResistant: true })).toEqual({ ok: true });
  });
  it('W5: stored lists decode safely', () => {
    expect(decodeAllowedMethods(null)).toBeNull();
    expect(decodeAllowedMethods('["webauthn","nope","totp"]')).toEqual(['totp', 'webauthn']);
    expect(decodeAllowedMethods('not json')).toBeNull();
    expect(decodeAllowedAuthenticators('["EE882879-721C-4913-9775-3DFCCE97072A", 3]')).toEqual(['ee882879-721c-4913-9775-3dfcce97072a']);
    expect(normaliseAaguid(' EE882879-721C-4913-9775-3DFCCE97072A ')).toBe('ee882879-721c-4913-9775-3dfcce97072a');
    expect(normaliseAaguid('nope')).toBeUndefined();
  });
  it('W5: an allow-list of models needs an attestation statement naming an allowed AAGUID', () => {
    const aaguid = 'ee882879-721c-4913-9775-3dfcce97072a';
    expect(checkAuthenticatorModel(null, { aaguid, attested: false })).toEqual({ ok: true });
    expect(checkAuthenticatorModel([aaguid], { aaguid, attested: false })).toEqual({ ok: false, reason: 'attestation_required' });
    expect(checkAuthenticatorModel([aaguid], { aaguid: '00000000-0000-0000-0000-000000000000', attested: true })).toEqual({ ok: false, reason: 'model_not_allowed' });
    expect(checkAuthenticatorModel([aaguid], { aaguid: aaguid.toUpperCase(), attested: true })).toEqual({ ok: true });
  });
});
