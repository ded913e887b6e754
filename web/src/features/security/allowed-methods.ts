// W5: which second factors the organization lets members set up (its "second factors that count");
// the server refuses the others with method_not_allowed, so the pages do not offer them.
import type { SessionOrganization } from '../../api/session';

export type FactorMethod = 'totp' | 'sms' | 'webauthn';

const labels: Record<FactorMethod, string> = { totp: 'an authenticator app', sms: 'text messages', webauthn: 'a security key or passkey' };

export function allowedMethodsOf(organization: SessionOrganization): FactorMethod[] {
  const methods: FactorMethod[] = organization.twoFactor.allowedMethods ?? ['totp', 'sms', 'webauthn'];
  // S4: texts switched off altogether cannot be set up either.
  return organization.twoFactor.smsAllowed === false ? methods.filter((method) => method !== 'sms') : methods;
}

/** "Use a security key or passkey instead." — the other allowed methods, for a refused one's note. */
export function alternativesTo(method: FactorMethod, allowed: readonly FactorMethod[]): string {
  const others = allowed.filter((other) => other !== method).map((other) => labels[other]);
  if (others.length === 0) return '';
  const list = others.length === 1 ? others[0] : `${others.slice(0, -1).join(', ')} or ${others[others.length - 1]}`;
  return ` Use ${list} instead.`;
}
