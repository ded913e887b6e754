import { describe, expect, it } from 'vitest';
import * as templates from './templates.js';
import { invitationMessage, passwordChangedMessage, passwordResetMessage, twoFactorEnabledMessage, verifyEmailMessage, type MailMessage } from './templates.js';

const evilName = '<script>alert("x")</script> & \'Co\'';
const link = 'https://tessera.test/accept-invitation?token=abc_DEF-123&x=1';

function expectNoMarkupFrom(html: string): void {
  expect(html).not.toContain('<script>');
  expect(html).not.toContain('"x")');
  expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Co&#39;');
}

describe('mail templates', () => {
  it('A6 the invitation escapes the inviter and organization names in HTML and keeps them readable in text', () => {
    const message = invitationMessage('new@example.com', evilName, '<b>Acme</b>', link);
    expect(message.to).toBe('new@example.com');
    expectNoMarkupFrom(message.html);
    expect(message.html).not.toContain('<b>Acme</b>');
    expect(message.html).toContain('&lt;b&gt;Acme&lt;/b&gt;');
    expect(message.text).toContain(`\u201c${evilName}\u201d`);
    expect(message.subject).toBe('Someone invited you to join an organization on Tessera');
    expect(message.text).toContain('7 days');
  });

  it('A6 A1 A4 links appear whole in the text and HTML-escaped in the href', () => {
    for (const message of [invitationMessage('a@example.com', 'Ada', 'Acme', link), verifyEmailMessage('a@example.com', link), passwordResetMessage('a@example.com', link)]) {
      expect(message.text).toContain(link);
      expect(message.html).toContain('href="https://tessera.test/accept-invitation?token=abc_DEF-123&amp;x=1"');
    }
    // A quote in a URL cannot break out of the attribute.
    const sneaky = verifyEmailMessage('a@example.com', 'https://tessera.test/verify-email?token=a"onmouseover="x');
    expect(sneaky.html).not.toContain('"onmouseover="');
    expect(sneaky.html).toContain('&quot;onmouseover=&quot;');
  });

  it('A1 A4 messages to an account greet without its name: the name may have been typed by someone who does not own the address', () => {
    for (const message of [verifyEmailMessage('a@example.com', link), passwordResetMessage('a@example.com', link), passwordChangedMessage('a@example.com')]) {
      expect(message.text.startsWith('Hello,\n')).toBe(true);
      expect(message.html.startsWith('<!doctype html>')).toBe(true);
    }
  });

  it('issue 10 item 7: no template puts user-typed text in its subject; in bodies it is quoted and HTML-escaped', () => {
    const hostile = 'Your account is locked, visit evil.example <b>now</b>';
    const deadline = new Date(Date.UTC(2026, 11, 1));
    // Every builder of the module, each with the hostile text wherever it takes a name.
    const built: Record<string, MailMessage> = {
      verifyEmailMessage: templates.verifyEmailMessage('a@example.com', link),
      passwordResetMessage: templates.passwordResetMessage('a@example.com', link),
      invitationMessage: templates.invitationMessage('a@example.com', hostile, hostile, link),
      invitationForExistingAccountMessage: templates.invitationForExistingAccountMessage('a@example.com', hostile, hostile),
      passwordChangedMessage: templates.passwordChangedMessage('a@example.com'),
      twoFactorEnabledMessage: templates.twoFactorEnabledMessage('a@example.com', 'sms'),
      twoFactorDisabledMessage: templates.twoFactorDisabledMessage('a@example.com'),
      recoveryCodesRegeneratedMessage: templates.recoveryCodesRegeneratedMessage('a@example.com'),
      recoveryCodeUsedMessage: templates.recoveryCodeUsedMessage('a@example.com', 3),
      secondFactorLockedMessage: templates.secondFactorLockedMessage('a@example.com', deadline),
      twoFactorResetMessage: templates.twoFactorResetMessage('a@example.com', { stillRequired: true }),
      memberTwoFactorRequirementMessage: templates.memberTwoFactorRequirementMessage('a@example.com', { required: true, hasTwoFactor: false, requiredByOrganization: false }),
      twoFactorRequiredMessage: templates.twoFactorRequiredMessage('a@example.com', hostile, deadline, link),
      twoFactorReminderMessage: templates.twoFactorReminderMessage('a@example.com', hostile, deadline, link),
      unknownClientsLockedMessage: templates.unknownClientsLockedMessage('a@example.com', { at: deadline, ip: '192.0.2.1', browser: 'Firefox on Linux' }),
      newBrowserSignInMessage: templates.newBrowserSignInMessage('a@example.com', { at: deadline, ip: '192.0.2.1', browser: 'Firefox', os: 'Linux' }, link),
      singleSignOnDisabledMessage: templates.singleSignOnDisabledMessage('a@example.com', hostile, link),
      webAuthnChangedMessage: templates.webAuthnChangedMessage('a@example.com', { action: 'removed', name: hostile, twoFactorOff: true }),
    };
    const builders = Object.entries(templates).filter(([name, value]) => typeof value === 'function' && name.endsWith('Message')).map(([name]) => name);
    expect(Object.keys(built).sort()).toEqual(builders.sort());
    for (const [name, message] of Object.entries(built)) {
      expect(message.subject, name).not.toMatch(/evil|locked|<b>/i);
      expect(message.text, name).not.toMatch(/Hello [^,\n]/);
      // Wherever the hostile text appears in a body, it is inside quotation marks.
      const unquoted = message.text.split(`\u201c${hostile}\u201d`).join('');
      expect(unquoted, name).not.toContain('evil.example');
      expect(message.html, name).not.toContain('<b>now</b>');
    }
    expect(built.invitationMessage!.text).toContain('typed by people at that organization, not by Tessera');
    expect(built.twoFactorRequiredMessage!.html).toContain('\u201cYour account is locked, visit evil.example &lt;b&gt;now&lt;/b&gt;\u201d');
  });

  it('A4 the reset e-mail says the link is single-use for one hour and does not turn off two-factor authentication', () => {
    const message = passwordResetMessage('a@example.com', link);
    expect(message.subject).toBe('Reset your password');
    expect(message.text).toMatch(/once/);
    expect(message.text).toMatch(/one hour/);
    expect(message.text).toMatch(/does not turn off two-factor authentication/);
  });

  it('D2 the "on" message names where codes come from: the app, or texts', () => {
    expect(twoFactorEnabledMessage('a@example.com', 'totp').text).toContain('a code from your authenticator app');
    const texted = twoFactorEnabledMessage('a@example.com', 'sms');
    expect(texted.text).toContain('a code texted to your phone');
    expect(texted.text).not.toContain('authenticator');
  });
});
