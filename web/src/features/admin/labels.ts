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

export const methodLabels: Readonly<Record<string, string>> = {
  totp: 'Authenticator app',
  sms: 'Text message',
  webauthn: 'Security key or passkey',
};

/** M5: audit event types in words; unknown types (a newer server) show as they are. */
export const auditEventLabels: Readonly<Record<string, string>> = {
  'organization.created': 'Organization created',
  'organization.updated': 'Organization settings changed',
  'organization.two_factor_required': 'Two-factor authentication required for everyone',
  'organization.two_factor_optional': 'Two-factor authentication made optional',
  'user.signed_up': 'Signed up',
  'user.email_verified': 'E-mail address verified',
  'user.signed_in': 'Signed in',
  'user.sign_in_failed': 'Sign-in failed',
  'user.signed_out': 'Signed out',
  'user.reauthenticated': 'Password confirmed',
  'user.password_reset_requested': 'Password reset requested',
  'user.password_reset': 'Password reset',
  'user.password_changed': 'Password changed',
  'user.profile_updated': 'Profile changed',
  'user.role_changed': 'Role changed',
  'user.two_factor_requirement_changed': 'Two-factor requirement changed',
  'session.revoked': 'Session ended',
  'invitation.created': 'Invitation sent',
  'invitation.revoked': 'Invitation revoked',
  'invitation.accepted': 'Invitation accepted',
  'two_factor.enabled': 'Two-factor authentication turned on',
  'two_factor.authenticator_replaced': 'Authenticator app replaced',
  'two_factor.disabled': 'Two-factor authentication turned off',
  'two_factor.reset': 'Two-factor authentication reset',
  'two_factor.recovery_codes_regenerated': 'Recovery codes regenerated',
  'two_factor.recovery_code_used': 'Recovery code used',
  'two_factor.code_rejected': 'Wrong code entered',
  'two_factor.locked': 'Second step locked',
  'two_factor.sms_enabled': 'Phone number confirmed for text messages',
  'two_factor.sms_removed': 'Phone number removed',
  'two_factor.sms_code_sent': 'Code texted',
  'api_key.created': 'API key created',
  'api_key.revoked': 'API key revoked',
  'application.created': 'Application registered',
  'application.updated': 'Application changed',
  'application.secret_replaced': 'Application secret replaced',
  'application.deleted': 'Application deleted',
  'application.signed_in': 'Signed in to an application',
  'user.created': 'Member created (command line)',
  'organization.members_listed': 'Members listed (command line)',
  'two_factor.sms_limit_reached': 'Daily limit of text messages reached',
  'invitation.existing_account_notified': 'Invited by another organization (told by e-mail, nothing changed)',
  'browser.remembered': 'Browser remembered (no second step on it for a while)',
  'browser.forgotten': 'Browser forgotten',
  'browser.remembered_forgotten': 'Remembered browsers forgotten',
  'two_factor.webauthn_added': 'Security key or passkey added',
  'two_factor.webauthn_renamed': 'Security key or passkey renamed',
  'two_factor.webauthn_removed': 'Security key or passkey removed',
  'two_factor.webauthn_clone_suspected': 'Security key refused: possibly cloned (signature counter went back)',
  'organization.webauthn_policy_changed': 'Sign-in methods policy changed',
};

export function describeAuditEvent(type: string): string {
  return auditEventLabels[type] ?? type;
}
