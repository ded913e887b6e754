import { describe, expect, it } from 'vitest';
import { acrMfa, acrOf, acrPassword, acrPhishingResistant, amrOf, decideSession } from './authentication-context.js';

const now = 1_800_000_000_000;
const passwordOnly = { authenticatedAtInMs: now - 60_000, secondFactor: null, hasTwoFactor: false };
const withTotp = { authenticatedAtInMs: now - 60_000, secondFactor: 'totp' as const, hasTwoFactor: true };
const noDemand = { promptLogin: false, requestedAtInMs: now - 1000, maxAgeInSeconds: undefined, acrValues: [] };

describe('O4 amr and acr', () => {
  it('O4 names the factors of the sign-in (RFC 8176)', () => {
    expect(amrOf(null)).toEqual(['pwd']);
    expect(amrOf('totp')).toEqual(['pwd', 'otp', 'mfa']);
    expect(amrOf('sms')).toEqual(['pwd', 'sms', 'mfa']);
    expect(amrOf('recovery_code')).toEqual(['pwd', 'otp', 'mfa']);
    expect(acrOf(null)).toBe(acrPassword);
    expect(acrOf('sms')).toBe(acrMfa);
    // W2 W3: a security key or passkey (hwk), with or without the password.
    expect(amrOf('webauthn')).toEqual(['pwd', 'hwk', 'mfa']);
    expect(amrOf('passkey')).toEqual(['hwk', 'mfa']);
    expect(acrOf('webauthn')).toBe(acrPhishingResistant);
    expect(acrOf('passkey')).toBe(acrPhishingResistant);
  });
});

describe('O5 step-up', () => {
  it('O5 a session answers a request that demands nothing', () => {
    expect(decideSession(passwordOnly, noDemand, now)).toEqual({ ok: true });
  });
  it('O5 prompt=login asks for a sign-in made after the request', () => {
    expect(decideSession(withTotp, { ...noDemand, promptLogin: true }, now)).toEqual({ ok: false, reason: 'fresh_sign_in' });
    expect(decideSession({ ...withTotp, authenticatedAtInMs: now }, { ...noDemand, promptLogin: true }, now)).toEqual({ ok: true });
  });
  it('O5 max_age asks again once the sign-in is older', () => {
    expect(decideSession(withTotp, { ...noDemand, maxAgeInSeconds: 30 }, now)).toEqual({ ok: false, reason: 'fresh_sign_in' });
    expect(decideSession(withTotp, { ...noDemand, maxAgeInSeconds: 60 }, now)).toEqual({ ok: true });
  });
  it('O5 acr mfa asks for the second factor, or is unmet without one', () => {
    expect(decideSession({ ...passwordOnly, hasTwoFactor: true }, { ...noDemand, acrValues: [acrMfa] }, now)).toEqual({ ok: false, reason: 'second_factor' });
    expect(decideSession(passwordOnly, { ...noDemand, acrValues: [acrMfa] }, now)).toEqual({ ok: false, reason: 'unmet' });
    expect(decideSession(withTotp, { ...noDemand, acrValues: [acrMfa] }, now)).toEqual({ ok: true });
    expect(decideSession(passwordOnly, { ...noDemand, acrValues: [acrMfa, acrPassword] }, now)).toEqual({ ok: true });
    expect(decideSession(withTotp, { ...noDemand, acrValues: [acrPhishingResistant] }, now)).toEqual({ ok: false, reason: 'unmet' });
    // W5: a security key or passkey answers both.
    expect(decideSession({ ...withTotp, secondFactor: 'webauthn' }, { ...noDemand, acrValues: [acrPhishingResistant] }, now)).toEqual({ ok: true });
    expect(decideSession({ ...withTotp, secondFactor: 'passkey' }, { ...noDemand, acrValues: [acrMfa] }, now)).toEqual({ ok: true });
    expect(decideSession(passwordOnly, { ...noDemand, acrValues: ['urn:other'] }, now)).toEqual({ ok: true });
  });
});
