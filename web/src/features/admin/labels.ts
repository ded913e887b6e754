import type { Role } from '../../api/session';
import { formatDateTime } from '../../components/format';
import type { OrganizationUser } from './admin-api';

export const roleLabels: Record<Role, string> = { admin: 'Administrator', member: 'Member' };

export const roleOptions: ReadonlyArray<{ value: Role; label: string }> = [
  { value: 'member', label: roleLabels.member },
  { value: 'admin', label: roleLabels.admin },
];

/** M1 "2FA Required": Yes or No, and who asks for it. */
export function describeRequirement(twoFactor: OrganizationUser['twoFactor']): string {
  if (!twoFactor.required) return 'No';
  return twoFactor.requiredBy === 'organization' ? 'Yes (organization)' : 'Yes (this member)';
}

/** L4: how the last sign-in's second step was done. */
const lastLoginMethodLabels: Readonly<Record<string, string>> = {
  totp: 'authenticator app',
  sms: 'text message',
  recovery_code: 'recovery code',
  webauthn: 'security key',
  passkey: 'passkey, no password',
};

/** M1, L4: when they last signed in, and whether (and how) a second factor was part of it. */
export function describeLastLogin(lastLogin: OrganizationUser['lastLogin']): string {
  if (lastLogin === null) return 'Never';
  const how = lastLogin.method ? lastLoginMethodLabels[lastLogin.method] : undefined;
  return `${formatDateTime(lastLogin.at)}, ${lastLogin.withTwoFactor ? (how ? `with 2FA (${how})` : 'with 2FA') : 'password only'}`;
}

/** W6: a member's methods in words ("—" without any). */
export function describeMethods(methods: readonly string[] | undefined): string {
  if (!methods || methods.length === 0) return '—';
  return methods.map((method) => methodLabels[method] ?? method).join(', ');
}

/**
 * Issue 17 item 8: 2FA "On" beside a password-only last sign-in is no contradiction: that sign-in
 * came before two-factor authentication was set up (every later one asks for a second factor, or
 * skips it only on a browser remembered after one, B2).
 */
export function explainLastLogin(user: Pick<OrganizationUser, 'twoFactor' | 'lastLogin'>, rememberBrowserDays: number): string | undefined {
  if (user.twoFactor.status !== 'on' || user.lastLogin === null || user.lastLogin.withTwoFactor) return undefined;
  return rememberBrowserDays > 0 ? '(before two-factor authentication was set up, or on a remembered browser)' : '(before two-factor authentication was set up)';
}

export const methodLabels: Readonly<Record<string, string>> = {
  totp: 'Authenticator app',
  sms: 'Text message',
  webauthn: 'Security key or passkey',
};
