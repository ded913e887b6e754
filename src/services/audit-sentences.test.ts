// M5 (issue 17 item 2): every audit event type the server writes reads as a sentence with names in
// the web interface's audit log. The sentence builder lives in the web UI; this test sits beside
// the list of types so a new type without its sentence fails here.
import { describe, expect, it } from 'vitest';
import { auditSentenceBuilders, describeAuditEventSentence, sentenceText, type AuditEventFacts } from '../../web/src/features/admin/audit-sentences.js';
import { auditEventTypes } from './audit.js';

const names = new Map([
  ['u-alice', 'Alice Admin'],
  ['u-bob', 'Bob Member'],
]);
const nameOf = (id: string) => names.get(id);

function event(type: string, overrides: Partial<AuditEventFacts> = {}): AuditEventFacts {
  return { type, actor: { type: 'member', userId: 'u-alice' }, userId: 'u-bob', details: {}, ...overrides };
}

describe('M5 audit log sentences', () => {
  it.each(auditEventTypes)('M5 %s has a sentence of its own, with names and without raw keys', (type) => {
    expect(auditSentenceBuilders[type], `no sentence for ${type}`).toBeTypeOf('function');
    const sentence = sentenceText(describeAuditEventSentence(event(type), nameOf));
    expect(sentence).toMatch(/^[A-Z“].*\.$/);
    expect(sentence).not.toContain(type);
    expect(sentence).not.toMatch(/undefined|null|\[object/);
    expect(sentence).not.toMatch(/\b[a-z]+[A-Z][a-zA-Z]*:/); // no "invitationId:" style keys
  });

  it('M5 names the administrator and the member', () => {
    const sentence = describeAuditEventSentence(event('user.two_factor_requirement_changed', { details: { from: false, to: true } }), nameOf);
    expect(sentenceText(sentence)).toBe('Alice Admin required two-factor authentication for Bob Member.');
    expect(sentence).toContainEqual({ memberId: 'u-bob', name: 'Bob Member' });
  });

  it('M5 says how a member signed in', () => {
    const signedIn = event('user.signed_in', { actor: { type: 'member', userId: 'u-bob' }, details: { method: 'password', secondFactor: 'totp' } });
    expect(sentenceText(describeAuditEventSentence(signedIn, nameOf))).toBe('Bob Member signed in with an authenticator app.');
    const passwordOnly = event('user.signed_in', { actor: { type: 'member', userId: 'u-bob' }, details: { method: 'password', secondFactor: null } });
    expect(sentenceText(describeAuditEventSentence(passwordOnly, nameOf))).toBe('Bob Member signed in with a password only.');
  });

  it('M5 a failed attempt is "someone signing in as" the member, not "not signed in"', () => {
    const failed = event('user.sign_in_failed', { actor: { type: 'anonymous', userId: null }, details: { reason: 'wrong_password' } });
    expect(sentenceText(describeAuditEventSentence(failed, nameOf))).toBe('Someone signing in as Bob Member entered a wrong password.');
    const replayed = event('two_factor.code_rejected', { actor: { type: 'anonymous', userId: null }, details: { reason: 'code_already_used' } });
    expect(sentenceText(describeAuditEventSentence(replayed, nameOf))).toBe('Someone signing in as Bob Member entered an authenticator code that had just been used.');
  });

  it('B2 remembered browsers forgotten by an organization setting say which one', () => {
    const forgotten = (reason: string) => sentenceText(describeAuditEventSentence(event('browser.remembered_forgotten', { userId: null, details: { reason, count: 2 } }), nameOf));
    expect(forgotten('organization_policy')).toBe('2 remembered browsers were forgotten because the organization shortened or turned off remembering browsers.');
    expect(forgotten('phishing_resistant_required')).toBe('2 remembered browsers were forgotten because the organization began requiring a security key or passkey.');
  });

  it('M5 an invitation names the invitee', () => {
    const invited = event('invitation.created', { userId: null, details: { invitationId: 'i1', email: 'carol@example.com', name: 'Carol', role: 'admin', twoFactorRequired: true } });
    expect(sentenceText(describeAuditEventSentence(invited, nameOf))).toBe(
      'Alice Admin invited Carol (carol@example.com) as Administrator, with two-factor authentication required.',
    );
  });

  it('M5 an API key, the operator and a gone member are named as such', () => {
    const byKey = event('invitation.revoked', { userId: null, actor: { type: 'api_key', userId: 'u-alice', apiKey: { id: 'k1', name: 'CI' } }, details: { email: 'x@example.com' } });
    expect(sentenceText(describeAuditEventSentence(byKey, nameOf))).toBe('Alice Admin (with API key “CI”) withdrew the invitation of x@example.com.');
    const byOperator = event('two_factor.reset', { actor: { type: 'operator', userId: null }, details: { methods: ['totp'], recoveryCodesRemoved: 8 } });
    expect(sentenceText(describeAuditEventSentence(byOperator, nameOf))).toBe(
      'An operator (command line) reset two-factor authentication for Bob Member, removing an authenticator app and the recovery codes.',
    );
    const gone = event('user.signed_out', { actor: { type: 'member', userId: 'u-gone' }, userId: 'u-gone' });
    expect(sentenceText(describeAuditEventSentence(gone, () => null))).toBe('A former member signed out.');
  });

  it('M5 a type this interface does not know yet (a newer server) reads as a generic sentence, never a crash', () => {
    const unknown = event('webauthn.credential_registered', { details: { name: 'YubiKey' } });
    expect(sentenceText(describeAuditEventSentence(unknown, nameOf))).toBe('Alice Admin: webauthn credential registered (about Bob Member).');
    const odd = event('user.role_changed', { details: null as unknown as Record<string, unknown> });
    expect(sentenceText(describeAuditEventSentence(odd, nameOf))).toMatch(/^Alice Admin changed the role of Bob Member/);
  });
});
