// What the API shows of stored rows, with the matching response schemas. Secrets (password
// hashes, token hashes) have no place here, and the schemas drop anything not listed.
import { describeRootCertificate } from '../services/attestation-certificates.js';
import { decodeAllowedAuthenticators, decodeAllowedMethods, factorMethods } from '../core/webauthn.js';
import { decodeCountryList } from '../core/phone-number.js';
import { twoFactorRequiredBy } from '../core/policy.js';
import { smsCodeLengthOf } from '../core/text-messages.js';
import type { RequiredAction } from '../core/required-actions.js';
import type { AuditEvent, Invitation, Organization, Session, User } from '../store/schema.js';
import type { UserWithFactors } from '../store/user-directory.js';
import { requiredActionsOf, type Authenticated } from '../services/sessions.js';
import { idField, roleField, timeField } from './schemas.js';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export const userSchema = {
  type: 'object',
  properties: { id: idField, email: { type: 'string' }, name: { type: 'string' }, role: roleField, emailVerified: { type: 'boolean' }, createdAt: timeField },
  required: ['id', 'email', 'name', 'role', 'emailVerified', 'createdAt'],
} as const;

export function userView(user: User) {
  return { id: user.id, email: user.email, name: user.name, role: user.role, emailVerified: user.emailVerifiedAt !== null, createdAt: iso(user.createdAt) };
}

export const organizationSchema = {
  type: 'object',
  properties: {
    id: idField,
    name: { type: 'string' },
    brandName: { type: ['string', 'null'] },
    twoFactor: {
      type: 'object',
      properties: {
        requirement: { type: 'string', enum: ['optional', 'required'] },
        requiredFrom: { type: ['string', 'null'], format: 'date-time' },
        recoveryCodePolicy: { type: 'string', enum: ['deplete', 'replace'] },
        smsAllowed: { type: 'boolean', description: 'S4: whether members may use text messages as a factor.' },
        smsCodeLength: { type: 'integer', enum: [6, 7], description: 'S2: digits in a texted code.' },
        smsAllowedCountries: { type: ['array', 'null'], items: { type: 'string' }, description: 'Countries (ISO 3166-1 alpha-2) whose mobile numbers may be added for text messages; null: every country.' },
        rememberBrowserDays: { type: 'integer', minimum: 0, maximum: 30, description: 'B2: days a browser may skip the second step; 0 = off.' },
        allowedMethods: { type: 'array', items: { type: 'string', enum: ['totp', 'sms', 'webauthn'] }, description: 'W5: the second factors that count.' },
        requirePhishingResistant: { type: 'boolean', description: 'W5: only security keys and passkeys satisfy the requirement.' },
        allowedAuthenticators: { type: ['array', 'null'], items: { type: 'string' }, description: 'W5: allowed authenticator models (AAGUIDs); null: any.' },
        authenticatorModels: {
          type: 'array',
          description: 'W5: each allowed model with the attestation root certificates its attestation chain must lead to (GET and PATCH /api/v1/organization only).',
          items: {
            type: 'object',
            properties: {
              aaguid: { type: 'string' },
              rootCertificates: {
                type: 'array',
                items: { type: 'object', properties: { pem: { type: 'string' }, subject: { type: 'string' }, validTo: { type: 'string', format: 'date-time' }, sha256: { type: 'string' } }, required: ['pem', 'subject', 'validTo', 'sha256'] },
              },
            },
            required: ['aaguid', 'rootCertificates'],
          },
        },
      },
      required: ['requirement', 'requiredFrom', 'recoveryCodePolicy', 'smsAllowed', 'smsCodeLength', 'smsAllowedCountries', 'rememberBrowserDays', 'allowedMethods', 'requirePhishingResistant', 'allowedAuthenticators'],
    },
    passkeySignIn: { type: 'boolean', description: 'W3: members may sign in with a passkey alone.' },
  },
  required: ['id', 'name', 'brandName', 'twoFactor', 'passkeySignIn'],
} as const;

/** W5: an allowed model and its roots, as administrators see them. */
export interface AuthenticatorModelView {
  aaguid: string;
  rootCertificates: Array<{ pem: string; subject: string; validTo: string; sha256: string }>;
}

export function authenticatorModelsView(organization: Organization, roots: ReadonlyMap<string, readonly string[]>): AuthenticatorModelView[] {
  return (decodeAllowedAuthenticators(organization.allowedAuthenticators) ?? []).map((aaguid) => ({
    aaguid,
    rootCertificates: (roots.get(aaguid) ?? []).flatMap((pem) => {
      const described = describeRootCertificate(pem);
      return described ? [described] : [];
    }),
  }));
}

export function organizationView(organization: Organization, authenticatorModels?: AuthenticatorModelView[]) {
  return {
    id: organization.id,
    name: organization.name,
    brandName: organization.brandName,
    twoFactor: {
      requirement: organization.twoFactorRequirement,
      requiredFrom: isoOrNull(organization.twoFactorRequiredFrom),
      recoveryCodePolicy: organization.recoveryCodePolicy,
      smsAllowed: organization.smsAllowed === 1,
      smsCodeLength: smsCodeLengthOf(organization.smsCodeLength),
      smsAllowedCountries: decodeCountryList(organization.smsAllowedCountries),
      rememberBrowserDays: organization.rememberBrowserDays,
      allowedMethods: decodeAllowedMethods(organization.allowedMethods) ?? [...factorMethods],
      requirePhishingResistant: organization.requirePhishingResistant === 1,
      allowedAuthenticators: decodeAllowedAuthenticators(organization.allowedAuthenticators),
      ...(authenticatorModels !== undefined && { authenticatorModels }),
    },
    passkeySignIn: organization.passkeySignIn === 1,
  };
}

export const sessionStateSchema = {
  type: 'object',
  properties: {
    user: userSchema,
    organization: organizationSchema,
    requiredActions: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          action: { type: 'string' },
          blocking: { type: 'boolean' },
          deadline: { ...timeField, description: 'P6: when the action starts to be enforced; absent when it applies at once.' },
        },
        required: ['action', 'blocking'],
      },
    },
  },
  required: ['user', 'organization', 'requiredActions'],
} as const;

export function sessionStateView(auth: Authenticated, nowInMs: number) {
  return { user: userView(auth.user), organization: organizationView(auth.organization), requiredActions: requiredActionsView(auth, nowInMs) };
}

export function requiredActionsView(auth: Authenticated, nowInMs: number) {
  return requiredActionsOf(auth, nowInMs).map(requiredActionView);
}

function requiredActionView(action: RequiredAction) {
  return { action: action.action, blocking: action.blocking, ...(action.deadlineInMs === undefined ? {} : { deadline: iso(action.deadlineInMs) }) };
}

export const pendingMemberSchema = {
  type: 'object',
  properties: { id: idField, email: { type: 'string' }, name: { type: 'string' } },
  required: ['id', 'email', 'name'],
} as const;

export const sessionListItemSchema = {
  type: 'object',
  properties: { id: idField, current: { type: 'boolean' }, createdAt: timeField, lastSeenAt: timeField, ip: { type: ['string', 'null'] }, userAgent: { type: ['string', 'null'] } },
  required: ['id', 'current', 'createdAt', 'lastSeenAt', 'ip', 'userAgent'],
} as const;

export function sessionListItemView(session: Session, currentSessionId: string) {
  return { id: session.id, current: session.id === currentSessionId, createdAt: iso(session.createdAt), lastSeenAt: iso(session.lastSeenAt), ip: session.ip, userAgent: session.userAgent };
}

export const memberRowSchema = {
  type: 'object',
  properties: {
    id: idField,
    email: { type: 'string' },
    name: { type: 'string' },
    role: roleField,
    twoFactor: {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['on', 'off'] },
        required: { type: 'boolean' },
        requiredBy: { type: ['string', 'null'], enum: ['organization', 'member', null] },
        methods: { type: 'array', items: { type: 'string', enum: ['totp', 'sms', 'webauthn'] }, description: 'W6: the member’s second factors.' },
      },
      required: ['status', 'required', 'requiredBy'],
    },
    lastLogin: {
      type: ['object', 'null'],
      properties: {
        at: timeField,
        withTwoFactor: { type: 'boolean' },
        method: { type: ['string', 'null'], description: 'L4: how the second step was done (totp, sms, recovery_code, webauthn, passkey; password: none).' },
      },
      required: ['at', 'withTwoFactor'],
    },
  },
  required: ['id', 'email', 'name', 'role', 'twoFactor', 'lastLogin'],
} as const;

export function memberRowView(user: UserWithFactors, organization: Organization) {
  const requiredBy = twoFactorRequiredBy({ organizationRequirement: organization.twoFactorRequirement, memberRequired: user.twoFactorRequired === 1 });
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    twoFactor: { status: user.hasTwoFactor ? ('on' as const) : ('off' as const), required: requiredBy !== null, requiredBy, ...(user.methods && { methods: user.methods }) },
    lastLogin:
      user.lastLoginAt === null
        ? null
        : { at: iso(user.lastLoginAt), withTwoFactor: user.lastLoginMethod !== null && user.lastLoginMethod !== 'password' && user.lastLoginMethod !== 'sso', method: user.lastLoginMethod },
  };
}

export const invitationSchema = {
  type: 'object',
  properties: { id: idField, email: { type: 'string' }, name: { type: 'string' }, role: roleField, twoFactorRequired: { type: 'boolean' }, createdAt: timeField, expiresAt: timeField },
  required: ['id', 'email', 'name', 'role', 'twoFactorRequired', 'createdAt', 'expiresAt'],
} as const;

export function invitationView(invitation: Invitation) {
  return {
    id: invitation.id,
    email: invitation.email,
    name: invitation.name,
    role: invitation.role,
    twoFactorRequired: invitation.twoFactorRequired === 1,
    createdAt: iso(invitation.createdAt),
    expiresAt: iso(invitation.expiresAt),
  };
}

export const auditEventSchema = {
  type: 'object',
  properties: {
    id: idField,
    type: { type: 'string' },
    actor: {
      type: 'object',
      description: 'Who acted: `member` (userId), `api_key` (userId: the key’s creator, with `apiKey`), `operator`, `system` or `anonymous`.',
      properties: {
        type: { type: 'string', enum: ['member', 'api_key', 'operator', 'system', 'anonymous'] },
        userId: { type: ['string', 'null'] },
        apiKey: { type: 'object', description: 'With actor type `api_key`: the key used (K1).', properties: { id: { type: 'string' }, name: { type: ['string', 'null'] } }, required: ['id', 'name'] },
      },
      required: ['type', 'userId'],
    },
    userId: { type: ['string', 'null'], description: 'The member the event is about.' },
    ip: { type: ['string', 'null'] },
    createdAt: timeField,
    details: { type: 'object', additionalProperties: true },
  },
  required: ['id', 'type', 'actor', 'userId', 'ip', 'createdAt', 'details'],
} as const;

export function auditEventView(event: AuditEvent) {
  const details = JSON.parse(event.details) as Record<string, unknown>;
  return {
    id: event.id,
    type: event.type,
    actor: { type: event.actorType, userId: event.actorUserId, ...(event.actorType === 'api_key' ? { apiKey: apiKeyOfDetails(details) } : {}) },
    userId: event.targetUserId,
    ip: event.ip,
    createdAt: iso(event.createdAt),
    details,
  };
}

/** K1: the key an 'api_key' actor used, from the details every such event carries. */
function apiKeyOfDetails(details: Record<string, unknown>): { id: string; name: string | null } {
  return { id: String(details.apiKeyId ?? ''), name: typeof details.apiKeyName === 'string' ? details.apiKeyName : null };
}
