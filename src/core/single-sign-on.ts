// E1–E5: the rules of single sign-on from an organization's own OpenID Connect provider.
// Everything in this file must remain free of I/O: the caller passes the facts and the time.
import { isLoopbackHost } from './loopback.js';

/** E3/E4: what a connection does about the two-factor requirement. */
export const ssoMfaRules = ['disable_with_requirement', 'tessera_second_factor', 'trust_provider_amr'] as const;
export type SsoMfaRule = (typeof ssoMfaRules)[number];

export const maximumClaimedDomains = 20;
/** A domain name as DNS writes it (RFC 1035 §2.3.1, with digits first allowed by RFC 1123), at least two labels. */
const domainShape = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

export type DomainListCheck = { ok: true; domains: string[] } | { ok: false; reason: 'empty' | 'too_many' | 'not_a_domain'; domain?: string };

/** E1: claimed e-mail domains, lower-cased, without duplicates; at least one. */
export function normaliseClaimedDomains(input: readonly string[]): DomainListCheck {
  const domains = [...new Set(input.map((domain) => domain.trim().toLowerCase().replace(/^@/, '')))];
  if (domains.length === 0) return { ok: false, reason: 'empty' };
  if (domains.length > maximumClaimedDomains) return { ok: false, reason: 'too_many' };
  const wrong = domains.find((domain) => !domainShape.test(domain));
  if (wrong !== undefined) return { ok: false, reason: 'not_a_domain', domain: wrong };
  return { ok: true, domains };
}

/** The part after the last @ of a normalised address ('' when there is none). */
export function domainOfEmail(emailNormalized: string): string {
  const at = emailNormalized.lastIndexOf('@');
  return at === -1 ? '' : emailNormalized.slice(at + 1);
}

export type IssuerCheck = { ok: true; issuer: URL; isInsecureLoopback: boolean } | { ok: false; reason: 'not_a_url' | 'https_required' | 'has_credentials_or_fragment' };

/**
 * E5: issuers are https:// in production; outside production http:// on a loopback address is
 * accepted too, so development and tests can run a provider on the same machine.
 */
export function checkIssuerUrl(value: string, isProduction: boolean): IssuerCheck {
  let issuer: URL;
  try {
    issuer = new URL(value);
  } catch {
    return { ok: false, reason: 'not_a_url' };
  }
  if (issuer.username || issuer.password || issuer.hash || issuer.search) return { ok: false, reason: 'has_credentials_or_fragment' };
  if (issuer.protocol === 'https:') return { ok: true, issuer, isInsecureLoopback: false };
  if (issuer.protocol === 'http:' && !isProduction && isLoopbackHost(issuer.hostname)) return { ok: true, issuer, isInsecureLoopback: true };
  return { ok: false, reason: 'https_required' };
}

/**
 * RFC 8176 §2 values that say the provider used more than one factor, or a possession or inherence
 * factor beyond a password (the issue names `mfa`, `otp`, `hwk`). `pwd`, `pin`, `user` or nothing do not.
 */
const multiFactorAmrValues = new Set(['mfa', 'otp', 'hwk', 'swk', 'sms', 'tel', 'fpt', 'face', 'iris', 'retina', 'vbm', 'sc', 'pop', 'mca']);

export function isProviderMultiFactor(amr: unknown): boolean {
  return Array.isArray(amr) && amr.some((value) => typeof value === 'string' && multiFactorAmrValues.has(value));
}

export interface AfterProviderFacts {
  rule: SsoMfaRule;
  providerAmr: unknown;
  /** The member has a second factor in Tessera. */
  hasSecondFactor: boolean;
  /** P5: the requirement is in force for this member and they have not set a factor up. */
  mustSetUp: boolean;
}

export type AfterProvider =
  | { next: 'complete'; providerMultiFactor: boolean }
  | { next: 'second_step' }
  | { next: 'setup' };

/**
 * E2–E4: what follows a successful answer of the provider. The provider never bypasses a second
 * factor the member has or must have, unless the connection trusts the provider's own
 * multi-factor sign-in (E4) and its `amr` says one happened. Under the seed's rule the connection
 * is off while the organization requires two-factor authentication (E3), so only members' own
 * factors and individual requirements (P4) are asked for.
 */
export function decideAfterProvider(facts: AfterProviderFacts): AfterProvider {
  if (facts.rule === 'trust_provider_amr' && isProviderMultiFactor(facts.providerAmr)) return { next: 'complete', providerMultiFactor: true };
  if (facts.hasSecondFactor) return { next: 'second_step' };
  if (facts.mustSetUp) return { next: 'setup' };
  return { next: 'complete', providerMultiFactor: false };
}

/** E3/P2: a connection with the seed's rule cannot be on while the organization requires a second factor. */
export function conflictsWithRequirement(connection: { enabled: boolean; rule: SsoMfaRule }, organizationRequirement: 'optional' | 'required'): boolean {
  return connection.enabled && connection.rule === 'disable_with_requirement' && organizationRequirement === 'required';
}

export interface PasswordRouteFacts {
  /** An enabled connection of the member's own organization claims the address's domain. */
  isRouted: boolean;
  passwordForRoutedMembers: boolean;
  isAdministrator: boolean;
}

/** E5: routed members sign in through the provider unless allowed a password; administrators always keep theirs. */
export function mayUsePassword(facts: PasswordRouteFacts): boolean {
  return !facts.isRouted || facts.passwordForRoutedMembers || facts.isAdministrator;
}

/** How long a started sign-in at the provider stays open (the browser-bound cookie's lifetime). */
export const ssoFlowLifetimeInMs = 10 * 60 * 1000;

export interface SsoFlow {
  connectionId: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  expiresAtInMs: number;
}

/** The flow cookie's contents, or undefined when malformed or expired. */
export function parseSsoFlow(json: string, nowInMs: number): SsoFlow | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const flow = value as Record<string, unknown>;
  const strings = ['connectionId', 'state', 'nonce', 'codeVerifier'] as const;
  if (!strings.every((key) => typeof flow[key] === 'string' && flow[key] !== '')) return undefined;
  if (typeof flow.expiresAtInMs !== 'number' || flow.expiresAtInMs <= nowInMs) return undefined;
  return { connectionId: flow.connectionId as string, state: flow.state as string, nonce: flow.nonce as string, codeVerifier: flow.codeVerifier as string, expiresAtInMs: flow.expiresAtInMs };
}
