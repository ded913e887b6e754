// M5 (issue 17 item 2): each audit event as a sentence with names, as a person would tell it.
// Pure (no DOM, no React, no fetch): the table renders the parts, and a unit test checks that every
// event type the server writes (src/services/audit.ts) has its own sentence. A type this file does
// not know yet (a newer server) still reads as a sentence, never as a crash or a raw key.
// The JSON-lines export is untouched: it keeps every field for machines.

/** What the sentence needs of an event (the shape of GET /api/v1/organization/audit-events items). */
export interface AuditEventFacts {
  type: string;
  actor: { type: string; userId: string | null; apiKey?: { id: string; name: string | null } };
  /** The member the event is about. */
  userId: string | null;
  details: Record<string, unknown>;
}

/** A member's name: a string when known, null for a member who is gone, undefined while unknown. */
export type NameOf = (userId: string) => string | null | undefined;

/** A sentence is text with members in it (the table links them to their page). */
export type SentencePart = string | { memberId: string; name: string };

export type Sentence = SentencePart[];

export function sentenceText(sentence: Sentence): string {
  return sentence.map((part) => (typeof part === 'string' ? part : part.name)).join('');
}

interface Context {
  event: AuditEventFacts;
  /** Who acted, as the subject of the sentence ("Alice Admin", "Someone signing in as Bob"…). */
  actor: Sentence;
  /** The member the event is about; "a member" when the event names none. */
  member: Sentence;
  /** Whether the actor is the member the event is about (then "their" reads right). */
  isSelf: boolean;
  details: Record<string, unknown>;
}

type Builder = (context: Context) => Sentence;

const roleWords: Readonly<Record<string, string>> = { admin: 'Administrator', member: 'Member' };

const methodWords: Readonly<Record<string, string>> = {
  totp: 'an authenticator app',
  sms: 'a text-message code',
  recovery_code: 'a recovery code',
  remembered_browser: 'a remembered browser (no second step asked)',
  webauthn: 'a security key or passkey',
  passkey: 'a passkey',
  security_key: 'a security key',
  sso: 'single sign-on',
  sso_mfa: 'single sign-on with the identity provider’s multi-factor sign-in',
  password: 'a password',
};

const forgetReasonWords: Readonly<Record<string, string>> = {
  two_factor_disabled: 'two-factor authentication was turned off',
  two_factor_reset: 'two-factor authentication was reset',
  password_changed: 'the password was changed',
  password_reset: 'the password was reset',
  recovery_code_sign_in: 'a recovery code was used to sign in',
  organization_policy: 'the organization shortened or turned off remembering browsers',
  phishing_resistant_required: 'the organization began requiring a security key or passkey',
};

const settingWords: Readonly<Record<string, string>> = {
  name: 'name',
  brandName: 'brand name',
  recoveryCodePolicy: 'recovery-code policy',
  smsAllowed: 'whether text messages are allowed',
  smsCodeLength: 'length of texted codes',
  smsAllowedCountries: 'countries allowed for text messages',
  rememberBrowserDays: 'days a browser may be remembered',
};

/** A camelCase or snake_case key in words ("rememberBrowserDays" → "remember browser days"). */
export function keyInWords(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[._]+/g, ' ')
    .trim()
    .toLowerCase();
}

function quoted(value: unknown): string {
  return `“${String(value)}”`;
}

/** "the application “Wiki”", or "an application" when the event holds no name. */
function theNamed(kind: 'API key' | 'application', value: unknown): string {
  return text(value) ? `the ${kind} ${quoted(value)}` : `an ${kind}`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function methodInWords(method: unknown): string {
  const key = String(method);
  return methodWords[key] ?? keyInWords(key);
}

const dateTimeInWords = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

/** A time inside a sentence (a deadline, "remembered until"), with its zone. */
function timeInWords(value: unknown): string | undefined {
  const iso = text(value);
  if (!iso) return undefined;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : `${dateTimeInWords.format(date)} UTC`;
}

/** The sentence for each type the server writes (src/services/audit.ts); the test keeps them in step. */
export const auditSentenceBuilders: Readonly<Record<string, Builder>> = {
  'organization.created': ({ actor, details }) => [...actor, ' created the organization', text(details.name) ? ` ${quoted(details.name)}` : ''],
  'organization.updated': ({ actor, details }) => {
    const changes = details.changes && typeof details.changes === 'object' ? Object.keys(details.changes) : [];
    const words = changes.map((key) => settingWords[key] ?? keyInWords(key));
    return [...actor, ' changed the organization’s settings', words.length > 0 ? `: ${listInWords(words)}` : ''];
  },
  'organization.two_factor_required': ({ actor, details }) => {
    const from = timeInWords(details.requiredFrom);
    if ('previousRequiredFrom' in details) return [...actor, ' moved the deadline for two-factor authentication ', from ? `to ${from}` : 'to now'];
    return [...actor, ' required two-factor authentication for everyone in the organization', from ? `, from ${from}` : ''];
  },
  'organization.two_factor_optional': ({ actor }) => [...actor, ' made two-factor authentication optional for the organization'],
  'user.signed_up': ({ member }) => [...member, ' signed up and created the organization'],
  'user.email_verified': ({ member }) => [...member, ' verified their e-mail address'],
  'user.signed_in': ({ member, details }) => {
    if (details.setupRequired) return [...member, ' signed in with their password and was sent to set up two-factor authentication'];
    const secondFactor = details.secondFactor;
    if (secondFactor === null || secondFactor === undefined) {
      const method = details.method;
      return method === undefined || method === 'password' ? [...member, ' signed in with a password only'] : [...member, ' signed in with ', methodInWords(method)];
    }
    if (secondFactor === 'remembered_browser') return [...member, ' signed in with a password on a remembered browser (no second step asked)'];
    return [...member, ' signed in with ', methodInWords(secondFactor)];
  },
  'user.sign_in_failed': ({ member, details }) => [
    'Someone signing in as ',
    ...member,
    details.reason === 'wrong_password' || details.reason === undefined ? ' entered a wrong password' : ` was refused (${keyInWords(String(details.reason))})`,
    details.via === 'basic' ? ' (API, HTTP Basic)' : '',
  ],
  'user.signed_out': ({ member }) => [...member, ' signed out'],
  'user.reauthenticated': ({ member, details }) => [
    ...member,
    ' confirmed their password',
    details.secondFactor ? ` and a code from ${methodInWords(details.secondFactor)}` : '',
  ],
  'user.password_reset_requested': ({ member }) => ['Someone asked for a password-reset link for ', ...member],
  'user.password_reset': ({ member }) => [...member, ' set a new password with an e-mailed reset link'],
  'user.password_changed': ({ member }) => [...member, ' changed their password'],
  'user.profile_updated': ({ member, details }) => {
    const fields = Array.isArray(details.fields) ? details.fields.map((field) => keyInWords(String(field))) : [];
    return [...member, ' changed their ', fields.length > 0 ? listInWords(fields) : 'profile'];
  },
  'session.revoked': (context) => (context.isSelf ? [...context.member, ' ended one of their sessions'] : [...context.actor, ' ended a session of ', ...context.member]),
  'invitation.created': ({ actor, details }) => [
    ...actor,
    ' invited ',
    text(details.name) ? `${details.name} (${String(details.email)})` : String(details.email ?? 'someone'),
    text(details.role) ? ` as ${roleWords[String(details.role)] ?? String(details.role)}` : '',
    details.twoFactorRequired === true ? ', with two-factor authentication required' : '',
  ],
  'invitation.revoked': ({ actor, details }) => [
    ...actor,
    ' withdrew the invitation of ',
    String(details.email ?? 'someone'),
    details.reason === 'inviter_password_reset' ? ' (the inviter’s password was reset)' : '',
  ],
  'invitation.accepted': ({ member, details }) => [
    ...member,
    ' accepted their invitation and joined',
    text(details.role) ? ` as ${roleWords[String(details.role)] ?? String(details.role)}` : '',
  ],
  'invitation.existing_account_notified': ({ member, details }) => [
    text(details.invitingOrganizationName) ? `The organization ${quoted(details.invitingOrganizationName)}` : 'Another organization',
    ' invited the address of ',
    ...member,
    '; they were told by e-mail and nothing changed here',
  ],
  'two_factor.enabled': ({ member, details }) => [
    ...member,
    ' turned on two-factor authentication',
    details.method ? ` with ${methodInWords(details.method)}` : '',
  ],
  'two_factor.authenticator_replaced': ({ member }) => [...member, ' replaced their authenticator app'],
  'two_factor.disabled': ({ member, details }) => [
    ...member,
    ' turned off two-factor authentication',
    details.confirmedWith ? ` (confirmed with ${methodInWords(details.confirmedWith)})` : '',
  ],
  'two_factor.reset': (context) => {
    const methods = Array.isArray(context.details.methods) ? context.details.methods.map(methodInWords) : [];
    return [
      ...context.actor,
      ' reset two-factor authentication for ',
      ...context.member,
      methods.length > 0 ? `, removing ${listInWords(methods)}` : '',
      context.details.recoveryCodesRemoved ? ' and the recovery codes' : '',
    ];
  },
  'two_factor.recovery_codes_regenerated': ({ member }) => [...member, ' generated a new set of recovery codes'],
  'two_factor.recovery_code_used': ({ member, details }) => [
    ...member,
    ' used a recovery code',
    typeof details.remaining === 'number' ? ` (${details.remaining} left)` : '',
  ],
  'two_factor.code_rejected': (context) => [
    ...codeTrier(context),
    context.details.reason === 'code_already_used' ? ' entered an authenticator code that had just been used' : ' entered a wrong code',
  ],
  'two_factor.locked': (context) => [...codeTrier(context), ' entered a tenth wrong code in a row, which locked the second step for 15 minutes'],
  'two_factor.sms_code_sent': ({ member, details }) => [
    'A code was texted to ',
    ...member,
    details.purpose === 'enrol' ? ' to confirm their phone number' : details.purpose === 'sign_in' ? ' to sign in' : '',
  ],
  'two_factor.sms_enabled': ({ member, details }) => [
    ...member,
    details.replacedNumber ? ' replaced their phone number for text-message codes' : ' confirmed a phone number for text-message codes',
    details.firstFactor ? ', turning on two-factor authentication' : '',
  ],
  'two_factor.sms_removed': ({ member, details }) => [
    ...member,
    ' removed their phone number',
    details.twoFactorOff ? ', which turned off two-factor authentication' : '',
  ],
  'two_factor.webauthn_added': ({ member, details }) => [
    ...member,
    ` added ${details.kind === 'passkey' ? 'a passkey' : 'a security key'}`,
    text(details.name) ? ` named ${quoted(details.name)}` : '',
    details.firstFactor ? ', turning on two-factor authentication' : '',
  ],
  'two_factor.webauthn_renamed': ({ member, details }) => [
    ...member,
    ' renamed a security key or passkey',
    text(details.from) ? ` from ${quoted(details.from)}` : '',
    text(details.to) ? ` to ${quoted(details.to)}` : '',
  ],
  'two_factor.webauthn_removed': ({ member, details }) => [
    ...member,
    ' removed the security key or passkey',
    text(details.name) ? ` ${quoted(details.name)}` : '',
    details.twoFactorOff ? ', which turned off two-factor authentication' : '',
  ],
  'two_factor.webauthn_clone_suspected': (context) => [
    ...codeTrier(context),
    ' used a security key or passkey whose signature counter went back; it was refused as a possible copy of the key',
  ],
  'two_factor.webauthn_refused': ({ member, details }) => [
    ...member,
    ` tried to add ${details.kind === 'passkey' ? 'a passkey' : 'a security key'}`,
    details.reason === 'attestation_required' ? ' that does not say which model it is' : details.reason === 'model_not_allowed' ? ' of a model the organization does not allow' : ' whose attestation does not lead to the root certificate given for its model',
    '; it was refused',
  ],
  'organization.webauthn_policy_changed': ({ actor }) => [...actor, ' changed which sign-in methods count in the organization'],
  'user.role_changed': (context) => {
    const { from, to } = context.details;
    const role = (value: unknown) => roleWords[String(value)] ?? String(value);
    return [...context.actor, ' changed the role of ', ...context.member, text(from) ? ` from ${role(from)}` : '', text(to) ? ` to ${role(to)}` : ''];
  },
  'user.two_factor_requirement_changed': (context) =>
    context.details.to === true
      ? [...context.actor, ' required two-factor authentication for ', ...context.member]
      : [...context.actor, ' stopped requiring two-factor authentication for ', ...context.member],
  'user.created': ({ actor, member, details }) => [
    ...actor,
    ' created the account of ',
    ...member,
    text(details.role) ? ` as ${roleWords[String(details.role)] ?? String(details.role)}` : '',
  ],
  'organization.members_listed': ({ actor }) => [...actor, ' listed the organization’s members'],
  'api_key.created': ({ actor, details }) => {
    const grants = Array.isArray(details.grants) ? details.grants.map(String) : [];
    return [...actor, ' created ', theNamed('API key', details.name), grants.length > 0 ? ` with ${listInWords(grants)}` : ''];
  },
  'api_key.revoked': (context) => {
    const { details } = context;
    const reason =
      details.reason === 'creator_demoted'
        ? ' (its creator is no longer an administrator)'
        : details.reason === 'creator_password_reset'
          ? ' (its creator’s password was reset)'
          : '';
    return [...context.actor, ' revoked ', theNamed('API key', details.name), reason];
  },
  'two_factor.sms_limit_reached': ({ details }) => [
    'The daily limit of ',
    typeof details.perDay === 'number' ? `${details.perDay} ` : '',
    'text messages',
    details.limit === 'organization' ? ' for the organization' : details.limit === 'deployment' ? ' for the whole service' : '',
    ' was reached',
  ],
  'browser.remembered': ({ member, details }) => {
    const until = timeInWords(details.until);
    return [...member, ' chose not to be asked for a second factor on a browser', until ? ` until ${until}` : ''];
  },
  'browser.forgotten': (context) => {
    const count = Array.isArray(context.details.browserIds) ? context.details.browserIds.length : 1;
    const what = count === 1 ? 'a browser' : `${count} browsers`;
    return context.isSelf ? [...context.member, ` forgot ${what}`] : [...context.actor, ` forgot ${what} of `, ...context.member];
  },
  'browser.remembered_forgotten': (context) => {
    const count = typeof context.details.count === 'number' ? context.details.count : undefined;
    const reason = forgetReasonWords[String(context.details.reason)];
    const browsers = count === 1 ? 'A remembered browser' : `${count ?? 'The'} remembered browsers`;
    const of = context.event.userId === null ? [] : [' of ', ...context.member];
    return [browsers, ...of, count === 1 ? ' was' : ' were', ' forgotten', reason ? ` because ${reason}` : ''];
  },
  'application.created': ({ actor, details }) => [...actor, ' registered ', theNamed('application', details.name)],
  'application.updated': ({ actor, details }) => {
    const changed = Array.isArray(details.changed) ? details.changed.map((key) => keyInWords(String(key))) : [];
    return [...actor, ' changed an application', text(details.name) ? ` ${quoted(details.name)}` : '', changed.length > 0 ? ` (${listInWords(changed)})` : ''];
  },
  'application.secret_replaced': ({ actor, details }) => [...actor, ' replaced the client secret of ', theNamed('application', details.name)],
  'application.deleted': ({ actor, details }) => [...actor, ' deleted ', theNamed('application', details.name)],
  'application.signed_in': ({ member, details }) => [...member, ' signed in to ', theNamed('application', details.name)],
  'sso.connection_saved': ({ actor, details }) => [
    ...actor,
    details.created ? ' set up single sign-on' : ' changed single sign-on',
    text(details.issuer) ? ` with ${quoted(details.issuer)}` : '',
    details.enabled === false ? ' (turned off)' : '',
  ],
  'sso.connection_tested': ({ actor, details }) => [...actor, ' tested the single sign-on connection', details.ok === true ? ': it works' : details.ok === false ? ': it failed' : ''],
  'sso.connection_deleted': ({ actor, details }) => [...actor, ' removed single sign-on', text(details.issuer) ? ` with ${quoted(details.issuer)}` : ''],
  'sso.connection_disabled': ({ actor }) => [...actor, ' required two-factor authentication, which turned single sign-on off'],
  'sso.sign_in_failed': ({ details }) => ['A single sign-on', text(details.issuer) ? ` through ${quoted(details.issuer)}` : '', ' was refused', text(details.reason) ? ` (${keyInWords(String(details.reason))})` : ''],
  'sso.member_created': ({ member, details }) => [...member, ' became a member at their first single sign-on', text(details.issuer) ? ` through ${quoted(details.issuer)}` : ''],
};

/** Who entered a code: at sign-in nobody is signed in yet, so "someone signing in as …". */
function codeTrier(context: Context): Sentence {
  return context.event.actor.type === 'anonymous' ? ['Someone signing in as ', ...context.member] : context.isSelf ? context.member : context.actor;
}

function memberPart(userId: string | null, nameOf: NameOf, whenNone: string): Sentence {
  if (userId === null) return [whenNone];
  const name = nameOf(userId);
  return [{ memberId: userId, name: name ?? (name === null ? 'a former member' : 'a member') }];
}

/** The actor as the subject of a sentence. */
function actorPart(event: AuditEventFacts, nameOf: NameOf): Sentence {
  switch (event.actor.type) {
    case 'operator':
      return ['An operator (command line)'];
    case 'system':
      return ['Tessera'];
    case 'anonymous':
      return event.userId === null ? ['Someone not signed in'] : ['Someone signing in as ', ...memberPart(event.userId, nameOf, '')];
    case 'api_key': {
      // K1: a key acts with its creator's rights; name both (the export keeps the ids).
      const key = event.actor.apiKey?.name ? `API key ${quoted(event.actor.apiKey.name)}` : 'an API key';
      return [...memberPart(event.actor.userId, nameOf, 'Someone'), ` (with ${key})`];
    }
    default:
      return memberPart(event.actor.userId, nameOf, 'Someone');
  }
}

/** Capitalises the sentence's first letter ("a former member …" starts a sentence too). */
function capitalised(sentence: Sentence): Sentence {
  const [first, ...rest] = sentence.filter((part) => part !== '');
  if (first === undefined) return [];
  if (typeof first === 'string') return [first.charAt(0).toUpperCase() + first.slice(1), ...rest];
  return [{ ...first, name: first.name.charAt(0).toUpperCase() + first.name.slice(1) }, ...rest];
}

/** Any event as a sentence; a type without its own sentence gets a readable generic one. */
export function describeAuditEventSentence(event: AuditEventFacts, nameOf: NameOf): Sentence {
  const actor = actorPart(event, nameOf);
  const member = memberPart(event.userId, nameOf, 'a member');
  const isSelf = event.userId !== null && event.actor.userId === event.userId && event.actor.type === 'member';
  const details = event.details && typeof event.details === 'object' ? event.details : {};
  const context: Context = { event, actor, member, isSelf, details };
  const builder = auditSentenceBuilders[event.type];
  let sentence: Sentence;
  try {
    sentence = builder ? builder(context) : genericSentence(context);
  } catch {
    sentence = genericSentence(context);
  }
  return [...capitalised(sentence), '.'];
}

/** "Alice Admin: webauthn credential added (about Bob)" for a type this interface does not know yet. */
function genericSentence(context: Context): Sentence {
  const what = keyInWords(context.event.type);
  const about = context.event.userId !== null && !context.isSelf ? [' (about ', ...context.member, ')'] : [];
  return [...context.actor, `: ${what}`, ...about];
}

/** The label of an event type, for the type filter: the sentence's gist without names. */
export function auditTypeLabel(type: string): string {
  return auditEventLabels[type] ?? keyInWords(type).replace(/^./, (first) => first.toUpperCase());
}

/** M5: event types in words, for the filter menu. */
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
  'invitation.revoked': 'Invitation withdrawn',
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
  'invitation.existing_account_notified': 'Invited by another organization',
  'browser.remembered': 'Browser remembered',
  'browser.forgotten': 'Browser forgotten',
  'browser.remembered_forgotten': 'Remembered browsers forgotten',
  'sso.connection_saved': 'Single sign-on saved',
  'sso.connection_tested': 'Single sign-on tested',
  'sso.connection_deleted': 'Single sign-on removed',
  'sso.connection_disabled': 'Single sign-on turned off',
  'sso.sign_in_failed': 'Single sign-on refused',
  'sso.member_created': 'Member created by single sign-on',
  'two_factor.webauthn_added': 'Security key or passkey added',
  'two_factor.webauthn_renamed': 'Security key or passkey renamed',
  'two_factor.webauthn_removed': 'Security key or passkey removed',
  'two_factor.webauthn_clone_suspected': 'Possibly cloned key refused',
  'two_factor.webauthn_refused': 'Key model refused',
  'organization.webauthn_policy_changed': 'Sign-in methods changed',
};
