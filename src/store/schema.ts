// Kysely's view of the tables, in camelCase (CamelCasePlugin maps to the snake_case columns).
// Times are milliseconds since the epoch in BIGINT/INTEGER columns so both databases compare
// them the same way; flags are 0/1 integers for the same reason.
import type { Generated, Insertable, Selectable } from 'kysely';
import type { Role } from '../core/roles.js';

export type TwoFactorRequirement = 'optional' | 'required';
export type RecoveryCodePolicy = 'deplete' | 'replace';
export type EmailTokenPurpose = 'verify_email' | 'password_reset';
/** 'api_key': a request made with an API key (K1); `actorUserId` is the key's creator. */
export type ActorType = 'member' | 'operator' | 'system' | 'anonymous' | 'api_key';
/** 'sso': the organization's identity provider alone (E2); 'sso_mfa': its multi-factor sign-in, accepted (E4).
 * 'webauthn': a security key or passkey as the second step (W2); 'passkey': a passkey sign-in without a password (W3). */
export type SignInMethod = 'password' | 'totp' | 'recovery_code' | 'sms' | 'sso' | 'sso_mfa' | 'webauthn' | 'passkey';

export interface OrganizationTable {
  id: string;
  name: string;
  brandName: string | null;
  twoFactorRequirement: TwoFactorRequirement;
  twoFactorRequiredFrom: number | null;
  recoveryCodePolicy: RecoveryCodePolicy;
  createdAt: number;
  /** S4: 1 while members may use text messages as a factor. */
  smsAllowed: Generated<number>;
  /** S2: digits in a texted code, 6 or 7. */
  smsCodeLength: Generated<number>;
  /** Issue 10 item 6: countries texts may go to, "CH,DE"; null = every country. */
  smsAllowedCountries: Generated<string | null>;
  /** B2: days a browser may skip the second step once remembered; 0 = off (at most 30). */
  rememberBrowserDays: Generated<number>;
  /** W3: 1 while members may sign in with a passkey alone. */
  passkeySignIn: Generated<number>;
  /** W5: JSON array of the second factors that count ("totp", "sms", "webauthn"); null = all. */
  allowedMethods: Generated<string | null>;
  /** W5: 1 when only security keys and passkeys satisfy the requirement. */
  requirePhishingResistant: Generated<number>;
  /** W5: JSON array of allowed authenticator models (AAGUIDs); null = any. */
  allowedAuthenticators: Generated<string | null>;
}

export interface UserTable {
  id: string;
  organizationId: string;
  email: string;
  emailNormalized: string;
  name: string;
  nameNormalized: string;
  role: Role;
  passwordHash: string;
  emailVerifiedAt: number | null;
  twoFactorRequired: number;
  createdAt: number;
  lastLoginAt: number | null;
  lastLoginMethod: SignInMethod | null;
  totpLastAcceptedStep: number | null;
  secondFactorFailures: Generated<number>;
  secondFactorLockedUntil: number | null;
  recoveryCodesRegenerationRequired: Generated<number>;
  /** 1 while the member has a second factor; kept by store/totp.ts (M1 filters on it). */
  twoFactorEnabled: Generated<number>;
}

export interface SessionTable {
  id: string;
  tokenHash: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  reauthenticatedAt: number | null;
  ip: string | null;
  userAgent: string | null;
  /** P5: 1 while the session may only set up a second factor (a sign-in that must go into setup). */
  setupOnly: Generated<number>;
  /** A5: when this session last proved a second factor (its sign-in's second step, or a code at re-authentication). */
  secondFactorVerifiedAt: number | null;
  /** O4: the second factor that completed this session's sign-in; null: the password alone. */
  secondFactor?: Generated<SignInMethod | null>;
}

export interface EmailTokenTable {
  id: string;
  tokenHash: string;
  purpose: EmailTokenPurpose;
  userId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface InvitationTable {
  id: string;
  organizationId: string;
  email: string;
  emailNormalized: string;
  name: string;
  role: Role;
  twoFactorRequired: number;
  invitedByUserId: string | null;
  tokenHash: string;
  createdAt: number;
  expiresAt: number;
  acceptedAt: number | null;
  acceptedUserId: string | null;
}

export interface AuditEventTable {
  id: string;
  organizationId: string | null;
  actorType: ActorType;
  actorUserId: string | null;
  type: string;
  targetUserId: string | null;
  ip: string | null;
  createdAt: number;
  details: string;
}

export interface ThrottleTable {
  key: string;
  count: number;
  windowStartedAt: number;
}

export interface TotpEnrollmentTable {
  userId: string;
  secretSealed: string;
  createdAt: number;
  expiresAt: number;
}

export interface TotpCredentialTable {
  userId: string;
  secretSealed: string;
  confirmedAt: number;
}

export interface RecoveryCodeTable {
  id: string;
  userId: string;
  codeSealed: string;
  codeHash: string;
  createdAt: number;
  usedAt: number | null;
}

export interface SignInChallengeTable {
  id: string;
  tokenHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
  /** L4/E4: what the second step follows: the password, or the organization's provider. */
  firstFactor: Generated<'password' | 'sso'>;
}

/** P6: a reminder e-mail claimed (and so sent) once per member, deadline and kind. */
export interface TwoFactorReminderTable {
  userId: string;
  deadline: number;
  kind: '7d' | '1d';
  sentAt: number;
}

/** K1: an organization's API key; only its SHA-256 is stored. */
export interface ApiKeyTable {
  id: string;
  organizationId: string;
  name: string;
  keyHash: string;
  /** The first 8 characters (`tsk_` and 4 more), to tell keys apart. */
  keyPrefix: string;
  /** JSON array of grant names (src/core/api-grants.ts). */
  grants: string;
  /** JSON array of CIDR blocks; empty: any address. */
  allowedIps: string;
  createdByUserId: string;
  createdAt: number;
  lastUsedAt: number | null;
  lastUsedIp: string | null;
  revokedAt: number | null;
}

/** S1: a member's confirmed phone number, sealed; `phoneHash` (keyed) counts texts per number. */
export interface SmsNumberTable {
  userId: string;
  phoneSealed: string;
  phoneHash: string;
  confirmedAt: number;
  createdAt: number;
}

/** S1: a number waiting for its texted code. */
export interface SmsEnrollmentTable {
  userId: string;
  phoneSealed: string;
  phoneHash: string;
  createdAt: number;
  expiresAt: number;
}

export type SmsCodePurpose = 'enrol' | 'sign_in';

/** S2: a texted code, stored only as a keyed hash. */
export interface SmsCodeTable {
  id: string;
  userId: string;
  purpose: SmsCodePurpose;
  codeHash: string;
  failedAttempts: Generated<number>;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

export interface Database {
  organizations: OrganizationTable;
  users: UserTable;
  sessions: SessionTable;
  emailTokens: EmailTokenTable;
  invitations: InvitationTable;
  auditEvents: AuditEventTable;
  throttles: ThrottleTable;
  totpEnrollments: TotpEnrollmentTable;
  totpCredentials: TotpCredentialTable;
  recoveryCodes: RecoveryCodeTable;
  signInChallenges: SignInChallengeTable;
  twoFactorReminders: TwoFactorReminderTable;
  smsNumbers: SmsNumberTable;
  smsEnrollments: SmsEnrollmentTable;
  smsCodes: SmsCodeTable;
  apiKeys: ApiKeyTable;
  knownBrowsers: KnownBrowserTable;
  applications: ApplicationTable;
  oidcPayloads: OidcPayloadTable;
  oidcSigningKeys: OidcSigningKeyTable;
  applicationGrants: ApplicationGrantTable;
  ssoConnections: SsoConnectionTable;
  ssoDomains: SsoDomainTable;
  webauthnCredentials: WebAuthnCredentialTable;
  webauthnChallenges: WebAuthnChallengeTable;
  webauthnAttestationRoots: WebAuthnAttestationRootTable;
}

export type Organization = Selectable<OrganizationTable>;
export type User = Selectable<UserTable>;
/** `secondFactor` (O4) is optional so sessions made for one request (K1, K2) need not name it. */
export type Session = Omit<Selectable<SessionTable>, 'secondFactor'> & { secondFactor?: SignInMethod | null };
export type NewSession = Insertable<SessionTable>;
/** The store derives `nameNormalized` from `name`. */
export type NewUser = Omit<Insertable<UserTable>, 'nameNormalized'>;
export type RecoveryCode = Selectable<RecoveryCodeTable>;
export type SignInChallenge = Selectable<SignInChallengeTable>;
export type Invitation = Selectable<InvitationTable>;
export type AuditEvent = Selectable<AuditEventTable>;
export type ApiKeyRow = Selectable<ApiKeyTable>;

/** G1: a browser known to a member; B2: remembered for the second step while `rememberedUntil` is ahead. */
export interface KnownBrowserTable {
  id: string;
  userId: string;
  tokenHash: string;
  createdAt: number;
  lastUsedAt: number;
  expiresAt: number;
  ip: string | null;
  userAgent: string | null;
  rememberedAt: number | null;
  rememberedUntil: number | null;
}

export type KnownBrowser = Selectable<KnownBrowserTable>;

/** O1: an application that signs its users in through Tessera (an OpenID Connect client). */
export interface ApplicationTable {
  id: string;
  organizationId: string;
  clientId: string;
  name: string;
  type: 'confidential' | 'public';
  /** Keyed hash of the client secret (confidential only); the secret itself is shown once. */
  secretHash: string | null;
  /** JSON arrays of absolute URLs. */
  redirectUris: string;
  postLogoutRedirectUris: Generated<string>;
  backchannelLogoutUri: string | null;
  createdByUserId: string | null;
  createdAt: number;
  updatedAt: number;
}

/** oidc-provider's storage: one row per (model, id). */
export interface OidcPayloadTable {
  model: string;
  id: string;
  payload: string;
  grantId: string | null;
  userCode: string | null;
  uid: string | null;
  expiresAt: number | null;
  consumedAt: number | null;
}

/** O2: an ES256 signing key, its private JWK sealed under the server key. */
export interface OidcSigningKeyTable {
  id: string;
  keySealed: string;
  createdAt: number;
  retiredAt: number | null;
}

/** O6: the Tessera session a grant was issued in; back-channel logout owed once it has ended. */
export interface ApplicationGrantTable {
  grantId: string;
  applicationId: string;
  userId: string;
  sessionId: string;
  createdAt: number;
  expiresAt: number;
  logoutAttempts: Generated<number>;
  nextLogoutAttemptAt: Generated<number>;
}

export type ApplicationRow = Selectable<ApplicationTable>;

/** E1: an organization's OpenID Connect identity provider; the client secret sealed under the server key. */
export interface SsoConnectionTable {
  id: string;
  organizationId: string;
  issuer: string;
  clientId: string;
  clientSecretSealed: string;
  enabled: number;
  mfaRule: 'disable_with_requirement' | 'tessera_second_factor' | 'trust_provider_amr';
  createMembers: number;
  passwordForRoutedMembers: number;
  /** E3: 'two_factor_required' when Tessera turned it off; null otherwise. */
  disabledReason: string | null;
  createdAt: number;
  updatedAt: number;
}

/** E1: an e-mail domain claimed by one connection (unique across organizations). */
export interface SsoDomainTable {
  domain: string;
  connectionId: string;
}

export type SsoConnection = Selectable<SsoConnectionTable>;

export type WebAuthnKind = 'passkey' | 'security_key';
export type WebAuthnChallengePurpose = 'register_passkey' | 'register_security_key' | 'second_step' | 'passkey_sign_in' | 'confirm';

/** W1: a member's security key or passkey. The public key (COSE, base64url) is not a secret. */
export interface WebAuthnCredentialTable {
  id: string;
  userId: string;
  /** base64url, as the browser reports it. */
  credentialId: string;
  publicKey: string;
  counter: Generated<number>;
  /** JSON array of transports ("usb", "internal", …). */
  transports: Generated<string>;
  aaguid: string;
  /** W4: the ceremony it was registered with. */
  kind: WebAuthnKind;
  backupEligible: number;
  backedUp: number;
  /** Whether user verification was done at registration. */
  userVerified: number;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** W5: an allowed authenticator model's attestation root certificates, as the administrator supplied them. */
export interface WebAuthnAttestationRootTable {
  organizationId: string;
  /** Lower-case, as in organizations.allowed_authenticators. */
  aaguid: string;
  /** JSON array of PEM blocks. */
  certificates: string;
}

/** A ceremony's challenge, taken once (DELETE … RETURNING) within 5 minutes. */
export interface WebAuthnChallengeTable {
  id: string;
  challenge: string;
  purpose: WebAuthnChallengePurpose;
  userId: string | null;
  createdAt: number;
  expiresAt: number;
}

export type WebAuthnCredential = Selectable<WebAuthnCredentialTable>;
