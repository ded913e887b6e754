import { describe, expect, it } from 'vitest';
import { invitationMessage, passwordChangedMessage, passwordResetMessage, twoFactorEnabledMessage, verifyEmailMessage } from './templates.js';

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
    expect(message.text).toContain(evilName);
    expect(message.subject).toContain('<b>Acme</b>');
    expect(message.text).toContain('7 days');
  });

  it('A6 A1 A4 links appear whole in the text and HTML-escaped in the href', () => {
    for (const message of [invitationMessage('a@example.com', 'Ada', 'Acme', link), verifyEmailMessage('a@example.com', 'Ada', link), passwordResetMessage('a@example.com', 'Ada', link)]) {
      expect(message.text).toContain(link);
      expect(message.html).toContain('href="https://tessera.test/accept-invitation?token=abc_DEF-123&amp;x=1"');
    }
    // A quote in a URL cannot break out of the attribute.
    const sneaky = verifyEmailMessage('a@example.com', 'Ada', 'https://tessera.test/verify-email?token=a"onmouseover="x');
    expect(sneaky.html).not.toContain('"onmouseover="');
    expect(sneaky.html).toContain('&quot;onmouseover=&quot;');
  });

  it('A1 A4 escapes the member name in every message addressed by name', () => {
    for (const message of [verifyEmailMessage('a@example.com', evilName, link), passwordResetMessage('a@example.com', evilName, link), passwordChangedMessage('a@example.com', evilName)]) {
      expectNoMarkupFrom(message.html);
      expect(message.text).toContain(`Hello ${evilName},`);
      expect(message.html.startsWith('<!doctype html>')).toBe(true);
    }
  });

  it('A4 the reset e-mail says the link is single-use for one hour and does not turn off two-factor authentication', () => {
    const message = passwordResetMessage('a@example.com', 'Ada', link);
    expect(message.subject).toBe('Reset your password');
    expect(message.text).toMatch(/once/);
    expect(message.text).toMatch(/one hour/);
    expect(message.text).toMatch(/does not turn off two-factor authentication/);
  });

  it('D2 the "on" message names where codes come from: the app, or texts', () => {
    expect(twoFactorEnabledMessage('a@example.com', 'Ada', 'totp').text).toContain('a code from your authenticator app');
    const texted = twoFactorEnabledMessage('a@example.com', 'Ada', 'sms');
    expect(texted.text).toContain('a code texted to your phone');
    expect(texted.text).not.toContain('authenticator');
  });
});
