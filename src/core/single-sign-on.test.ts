import { describe, expect, it } from 'vitest';
import { checkIssuerUrl, conflictsWithRequirement, decideAfterProvider, domainOfEmail, isProviderMultiFactor, mayUsePassword, normaliseClaimedDomains, parseSsoFlow } from './single-sign-on.js';

describe('E1 claimed domains', () => {
  it('E1 lower-cases, drops a leading @ and duplicates; refuses what is not a domain', () => {
    expect(normaliseClaimedDomains([' Acme.Example ', '@acme.example', 'sub.acme.io'])).toEqual({ ok: true, domains: ['acme.example', 'sub.acme.io'] });
    expect(normaliseClaimedDomains([])).toMatchObject({ ok: false, reason: 'empty' });
    for (const wrong of ['acme', 'acme.example/x', 'a b.example', '-acme.example', 'acme..example', 'acme.example.', '*.acme.example', 'acme.123']) {
      expect(normaliseClaimedDomains([wrong]), wrong).toMatchObject({ ok: false, reason: 'not_a_domain' });
    }
    expect(normaliseClaimedDomains(Array.from({ length: 21 }, (_, i) => `d${i}.example`))).toMatchObject({ ok: false, reason: 'too_many' });
    expect(domainOfEmail('a@b.example')).toBe('b.example');
    expect(domainOfEmail('no-at')).toBe('');
  });
});

describe('E5 issuer addresses', () => {
  it('E5 only https:// in production; http:// on loopback outside it', () => {
    expect(checkIssuerUrl('https://idp.example.com/realms/acme', true)).toMatchObject({ ok: true, isInsecureLoopback: false });
    expect(checkIssuerUrl('http://127.0.0.1:8080', true)).toMatchObject({ ok: false, reason: 'https_required' });
    expect(checkIssuerUrl('http://127.0.0.1:8080', false)).toMatchObject({ ok: true, isInsecureLoopback: true });
    expect(checkIssuerUrl('http://localhost:8080', false)).toMatchObject({ ok: true });
    expect(checkIssuerUrl('http://idp.example.com', false)).toMatchObject({ ok: false, reason: 'https_required' });
    expect(checkIssuerUrl('ftp://idp.example.com', false)).toMatchObject({ ok: false });
    expect(checkIssuerUrl('https://u:p@idp.example.com', false)).toMatchObject({ ok: false, reason: 'has_credentials_or_fragment' });
    expect(checkIssuerUrl('https://idp.example.com/#x', false)).toMatchObject({ ok: false });
    expect(checkIssuerUrl('nonsense', false)).toMatchObject({ ok: false, reason: 'not_a_url' });
  });
});

describe('E4 the provider’s amr (RFC 8176)', () => {
  it('E4 mfa, otp, hwk and other possession or inherence methods count; pwd, pin or nothing do not', () => {
    for (const amr of [['mfa'], ['pwd', 'otp'], ['hwk'], ['pwd', 'fpt'], ['swk']]) expect(isProviderMultiFactor(amr), amr.join()).toBe(true);
    for (const amr of [[], ['pwd'], ['pin'], ['pwd', 'kba'], 'mfa', null, undefined, [1]]) expect(isProviderMultiFactor(amr), JSON.stringify(amr)).toBe(false);
  });

  it('E4 decides what follows the provider', () => {
    const base = { providerAmr: ['pwd'], hasSecondFactor: false, mustSetUp: false };
    expect(decideAfterProvider({ ...base, rule: 'disable_with_requirement' })).toEqual({ next: 'complete', providerMultiFactor: false });
    expect(decideAfterProvider({ ...base, rule: 'tessera_second_factor', hasSecondFactor: true })).toEqual({ next: 'second_step' });
    expect(decideAfterProvider({ ...base, rule: 'tessera_second_factor', mustSetUp: true })).toEqual({ next: 'setup' });
    expect(decideAfterProvider({ ...base, rule: 'trust_provider_amr', providerAmr: ['mfa'], mustSetUp: true })).toEqual({ next: 'complete', providerMultiFactor: true });
    expect(decideAfterProvider({ ...base, rule: 'trust_provider_amr', hasSecondFactor: true })).toEqual({ next: 'second_step' });
    // The seed's rule never skips a factor the member has.
    expect(decideAfterProvider({ ...base, rule: 'disable_with_requirement', providerAmr: ['mfa'], hasSecondFactor: true })).toEqual({ next: 'second_step' });
  });
});

describe('E3 E5 rules', () => {
  it('E3 only the seed’s rule, enabled, conflicts with the requirement', () => {
    expect(conflictsWithRequirement({ enabled: true, rule: 'disable_with_requirement' }, 'required')).toBe(true);
    expect(conflictsWithRequirement({ enabled: false, rule: 'disable_with_requirement' }, 'required')).toBe(false);
    expect(conflictsWithRequirement({ enabled: true, rule: 'tessera_second_factor' }, 'required')).toBe(false);
    expect(conflictsWithRequirement({ enabled: true, rule: 'disable_with_requirement' }, 'optional')).toBe(false);
  });

  it('E5 routed members need permission for a password; administrators always have it', () => {
    expect(mayUsePassword({ isRouted: true, passwordForRoutedMembers: false, isAdministrator: false })).toBe(false);
    expect(mayUsePassword({ isRouted: true, passwordForRoutedMembers: true, isAdministrator: false })).toBe(true);
    expect(mayUsePassword({ isRouted: true, passwordForRoutedMembers: false, isAdministrator: true })).toBe(true);
    expect(mayUsePassword({ isRouted: false, passwordForRoutedMembers: false, isAdministrator: false })).toBe(true);
  });

  it('E2 a flow is read only whole and before it expires', () => {
    const flow = { connectionId: 'c', state: 's', nonce: 'n', codeVerifier: 'v', expiresAtInMs: 1000 };
    expect(parseSsoFlow(JSON.stringify(flow), 999)).toEqual(flow);
    expect(parseSsoFlow(JSON.stringify(flow), 1000)).toBeUndefined();
    expect(parseSsoFlow(JSON.stringify({ ...flow, nonce: '' }), 0)).toBeUndefined();
    expect(parseSsoFlow('{', 0)).toBeUndefined();
    expect(parseSsoFlow('null', 0)).toBeUndefined();
  });
});
