// Plain-text and simple HTML bodies for every message Tessera sends. Each builder is pure.

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

interface Body {
  greeting: string;
  paragraphs: string[];
  action?: { label: string; url: string };
  footer?: string;
}

function render(to: string, subject: string, body: Body): MailMessage {
  const textParts = [body.greeting, '', ...body.paragraphs.flatMap((p) => [p, ''])];
  if (body.action) textParts.push(`${body.action.label}: ${body.action.url}`, '');
  if (body.footer) textParts.push(body.footer);
  const htmlParts = [`<p>${escapeHtml(body.greeting)}</p>`, ...body.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`)];
  if (body.action) {
    htmlParts.push(`<p><a href="${escapeHtml(body.action.url)}">${escapeHtml(body.action.label)}</a></p>`);
    htmlParts.push(`<p>Or paste this address into your browser: ${escapeHtml(body.action.url)}</p>`);
  }
  if (body.footer) htmlParts.push(`<p><small>${escapeHtml(body.footer)}</small></p>`);
  return { to, subject, text: textParts.join('\n').trim() + '\n', html: `<!doctype html><html><body>${htmlParts.join('\n')}</body></html>` };
}

const ignoreIfNotYou = 'If you did not ask for this, you can ignore this message.';

export function verifyEmailMessage(to: string, name: string, link: string): MailMessage {
  return render(to, 'Verify your e-mail address', {
    greeting: `Hello ${name},`,
    paragraphs: ['Please confirm that this is your e-mail address. The link is valid for 24 hours.'],
    action: { label: 'Verify e-mail address', url: link },
    footer: ignoreIfNotYou,
  });
}

export function passwordResetMessage(to: string, name: string, link: string): MailMessage {
  return render(to, 'Reset your password', {
    greeting: `Hello ${name},`,
    paragraphs: ['Someone asked to reset the password of your account. The link works once and for one hour.', 'Resetting your password does not turn off two-factor authentication.'],
    action: { label: 'Choose a new password', url: link },
    footer: ignoreIfNotYou,
  });
}

export function invitationMessage(to: string, inviterName: string, organizationName: string, link: string): MailMessage {
  return render(to, `${inviterName} invited you to ${organizationName}`, {
    greeting: 'Hello,',
    paragraphs: [`${inviterName} invited you to join ${organizationName}. Set your password to accept. The invitation is valid for 7 days.`],
    action: { label: 'Accept the invitation', url: link },
    footer: ignoreIfNotYou,
  });
}

export function passwordChangedMessage(to: string, name: string): MailMessage {
  return render(to, 'Your password was changed', {
    greeting: `Hello ${name},`,
    paragraphs: ['The password of your account was just changed, and your other sessions were signed out.', 'If this was not you, reset your password now and tell your administrator.'],
  });
}

/** D2: the first factor a member set up; the message says where their codes will come from. */
export type FirstFactor = 'totp' | 'sms';

export function twoFactorEnabledMessage(to: string, name: string, method: FirstFactor): MailMessage {
  const codeSource = method === 'sms' ? 'a code texted to your phone' : 'a code from your authenticator app';
  return render(to, 'Two-factor authentication is on', {
    greeting: `Hello ${name},`,
    paragraphs: [`Two-factor authentication was turned on for your account. From now on, signing in asks for ${codeSource} or one of your recovery codes.`, 'Keep your recovery codes somewhere safe.'],
    footer: 'If this was not you, reset your password and tell your administrator.',
  });
}

export function twoFactorDisabledMessage(to: string, name: string): MailMessage {
  return render(to, 'Two-factor authentication is off', {
    greeting: `Hello ${name},`,
    paragraphs: ['Two-factor authentication was turned off for your account. Signing in now needs only your password.'],
    footer: 'If this was not you, reset your password and tell your administrator.',
  });
}

export function recoveryCodesRegeneratedMessage(to: string, name: string): MailMessage {
  return render(to, 'New recovery codes', {
    greeting: `Hello ${name},`,
    paragraphs: ['A new set of recovery codes was generated for your account. The previous codes no longer work.'],
    footer: 'If this was not you, reset your password and tell your administrator.',
  });
}

export function recoveryCodeUsedMessage(to: string, name: string, remaining: number): MailMessage {
  const left = remaining === 1 ? '1 recovery code remains' : `${remaining} recovery codes remain`;
  return render(to, 'A recovery code was used to sign in', {
    greeting: `Hello ${name},`,
    paragraphs: [`Someone signed in to your account with one of your recovery codes. ${left}.`, remaining === 0 ? 'Generate a new set in your security settings.' : 'You can generate a new set in your security settings at any time.'],
    footer: 'If this was not you, reset your password and tell your administrator.',
  });
}

export function secondFactorLockedMessage(to: string, name: string, lockedUntil: Date): MailMessage {
  return render(to, 'Sign-in paused after wrong codes', {
    greeting: `Hello ${name},`,
    paragraphs: [`There were 10 wrong two-factor codes in a row for your account, so signing in is paused until ${lockedUntil.toUTCString()}.`, 'Someone may know your password: if these attempts were not yours, change your password now.'],
  });
}

/** D2 / M3: an administrator (or an operator) removed the member's second factors. */
export function twoFactorResetMessage(to: string, name: string, options: { stillRequired: boolean }): MailMessage {
  return render(to, 'Your two-factor authentication was reset', {
    greeting: `Hello ${name},`,
    paragraphs: [
      'An administrator reset two-factor authentication for your account: your authenticator app and your recovery codes no longer work. You stay signed in where you are.',
      options.stillRequired ? 'Two-factor authentication is still required for you, so you will set it up again the next time you sign in.' : 'You can turn it on again in your security settings.',
    ],
    footer: 'If you did not expect this, tell your administrator.',
  });
}

/** P4: an administrator changed whether this member must use two-factor authentication. */
export function memberTwoFactorRequirementMessage(to: string, name: string, options: { required: boolean; hasTwoFactor: boolean; requiredByOrganization: boolean }): MailMessage {
  const paragraphs = options.required
    ? [
        'Your administrator now requires two-factor authentication for your account.',
        options.hasTwoFactor ? 'You already use it, so nothing changes for you.' : 'Set it up in your security settings; the next time you sign in, you will be asked to set it up before anything else.',
      ]
    : [
        'Your administrator no longer requires two-factor authentication for you personally.',
        options.requiredByOrganization ? 'Your organization still requires it for everyone, so nothing changes for you.' : 'We recommend keeping it on all the same.',
      ];
  return render(to, options.required ? 'Two-factor authentication is now required for you' : 'Two-factor authentication is no longer required for you', { greeting: `Hello ${name},`, paragraphs });
}

/** P1: the organization now requires two-factor authentication; sent to members not set up yet. */
export function twoFactorRequiredMessage(to: string, name: string, organizationName: string, deadline: Date | null, settingsLink: string): MailMessage {
  const when =
    deadline === null
      ? 'The next time you sign in, you will be asked to set it up before you can continue.'
      : `Please set it up before ${deadline.toUTCString()}. After that, you will be asked to set it up when you sign in, before you can continue.`;
  return render(to, `${organizationName} now requires two-factor authentication`, {
    greeting: `Hello ${name},`,
    paragraphs: [`${organizationName} now requires two-factor authentication: signing in will ask for a code from an authenticator app as well as your password.`, when],
    action: { label: 'Set up two-factor authentication', url: settingsLink },
  });
}

/** P6: a reminder 7 days or 1 day before the organization's deadline. */
export function twoFactorReminderMessage(to: string, name: string, organizationName: string, deadline: Date, settingsLink: string): MailMessage {
  return render(to, 'Reminder: set up two-factor authentication', {
    greeting: `Hello ${name},`,
    paragraphs: [
      `${organizationName} requires two-factor authentication from ${deadline.toUTCString()}, and you have not set it up yet.`,
      'It takes a minute with an authenticator app. After the deadline, you will be asked to set it up when you sign in, before you can continue.',
    ],
    action: { label: 'Set up two-factor authentication', url: settingsLink },
  });
}

/** G3: the account's limit for unknown clients tripped (once a window). */
export function unknownClientsLockedMessage(to: string, name: string, attempt: { at: Date; ip: string | null; browser: string }): MailMessage {
  return render(to, 'Sign-in attempts to your account were paused', {
    greeting: `Hello ${name},`,
    paragraphs: [
      `Someone entered a wrong password for your account too many times. The last attempt was at ${attempt.at.toUTCString()} from ${attempt.ip ?? 'an unknown address'} using ${attempt.browser}.`,
      'For the next 15 minutes, sign-in is paused for browsers you have not used before. If this wasn\'t you, there is nothing to do: the browsers you already signed in with still work as usual.',
    ],
    footer: 'If you think someone knows your password, change it in your security settings.',
  });
}

/** G4: a complete sign-in from a browser the member had not used before. */
export function newBrowserSignInMessage(to: string, name: string, signIn: { at: Date; ip: string | null; browser: string | null; os: string | null }, sessionsLink: string): MailMessage {
  return render(to, 'New sign-in to your account', {
    greeting: `Hello ${name},`,
    paragraphs: [
      `Your account was signed in to from a browser it had not been used with before.`,
      `Time: ${signIn.at.toUTCString()}. Address: ${signIn.ip ?? 'unknown'}. Browser: ${signIn.browser ?? 'unknown'}. Operating system: ${signIn.os ?? 'unknown'}.`,
      'If this was you, there is nothing to do. If it wasn\'t, end that session and change your password.',
    ],
    action: { label: 'Review your sessions', url: sessionsLink },
  });
}
