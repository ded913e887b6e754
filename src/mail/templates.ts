// Plain-text and simple HTML bodies for every message Tessera sends. Each builder is pure.
// Subjects are fixed text: nothing an account holder typed (organization, brand or member names)
// appears in a subject, where mail clients show it as if Tessera had written it, so a name such
// as "Your account is locked, visit evil.example" cannot pose as a warning from us. In bodies
// such text is shown in quotation marks and attributed, and HTML-escaped. Greetings carry no
// name: an account's name may have been typed by someone who does not own the address.

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

/** Text someone typed (an organization or member name), marked as such: “Acme”. */
export function quoted(userText: string): string {
  return `\u201c${userText}\u201d`;
}

const greeting = 'Hello,';

const ignoreIfNotYou = 'If you did not ask for this, you can ignore this message.';

export function verifyEmailMessage(to: string, link: string): MailMessage {
  return render(to, 'Verify your e-mail address', {
    greeting,
    paragraphs: ['Please confirm that this is your e-mail address. The link is valid for 24 hours.'],
    action: { label: 'Verify e-mail address', url: link },
    footer: ignoreIfNotYou,
  });
}

export function passwordResetMessage(to: string, link: string): MailMessage {
  return render(to, 'Reset your password', {
    greeting,
    paragraphs: ['Someone asked to reset the password of your account. The link works once and for one hour.', 'Resetting your password does not turn off two-factor authentication.'],
    action: { label: 'Choose a new password', url: link },
    footer: ignoreIfNotYou,
  });
}

/** Fixed subject of an invitation; tests and mail filters may rely on it. */
export const invitationSubject = 'Someone invited you to join an organization on Tessera';

const chosenByInviter = 'The names in quotation marks were typed by people at that organization, not by Tessera.';

export function invitationMessage(to: string, inviterName: string, organizationName: string, link: string): MailMessage {
  return render(to, invitationSubject, {
    greeting,
    paragraphs: [`${quoted(inviterName)} invited you to join the organization ${quoted(organizationName)} on Tessera. Set your password to accept. The invitation is valid for 7 days.`, chosenByInviter],
    action: { label: 'Accept the invitation', url: link },
    footer: ignoreIfNotYou,
  });
}

/**
 * A6: an invitation of an address that already has an account in another organization. The
 * inviter is told nothing different (no enumeration); the owner of the address learns about it
 * here, with no link: accepting would need a second account for the same address.
 */
export function invitationForExistingAccountMessage(to: string, inviterName: string, organizationName: string): MailMessage {
  return render(to, invitationSubject, {
    greeting,
    paragraphs: [
      `${quoted(inviterName)} at the organization ${quoted(organizationName)} tried to invite you to Tessera. You already have a Tessera account with this e-mail address, in another organization, so the invitation cannot be accepted and nothing was changed.`,
      'An address belongs to one account. If you want to join them, ask them to invite another address of yours, or leave your current organization first.',
      chosenByInviter,
    ],
    footer: 'If you do not know them, you can ignore this message; your account is not affected.',
  });
}

export function passwordChangedMessage(to: string): MailMessage {
  return render(to, 'Your password was changed', {
    greeting,
    paragraphs: ['The password of your account was just changed, and your other sessions were signed out.', 'If this was not you, reset your password now and tell your administrator.'],
  });
}

/** D2: the first factor a member set up; the message says where their codes will come from. */
export type FirstFactor = 'totp' | 'sms' | 'webauthn';

export function twoFactorEnabledMessage(to: string, method: FirstFactor): MailMessage {
  const codeSource = method === 'sms' ? 'a code texted to your phone' : method === 'webauthn' ? 'your security key or passkey' : 'a code from your authenticator app';
  return render(to, 'Two-factor authentication is on', {
    greeting,
    paragraphs: [`Two-factor authentication was turned on for your account. From now on, signing in asks for ${codeSource} or one of your recovery codes.`, 'Keep your recovery codes somewhere safe.'],
    footer: 'If this was not you, reset your password and tell your administrator.',
  });
}

export function twoFactorDisabledMessage(to: string): MailMessage {
  return render(to, 'Two-factor authentication is off', {
    greeting,
    paragraphs: ['Two-factor authentication was turned off for your account. Signing in now needs only your password.'],
    footer: 'If this was not you, reset your password and tell your administrator.',
  });
}

export function recoveryCodesRegeneratedMessage(to: string): MailMessage {
  return render(to, 'New recovery codes', {
    greeting,
    paragraphs: ['A new set of recovery codes was generated for your account. The previous codes no longer work.'],
    footer: 'If this was not you, reset your password and tell your administrator.',
  });
}

export function recoveryCodeUsedMessage(to: string, remaining: number): MailMessage {
  const left = remaining === 1 ? '1 recovery code remains' : `${remaining} recovery codes remain`;
  return render(to, 'A recovery code was used to sign in', {
    greeting,
    paragraphs: [`Someone signed in to your account with one of your recovery codes. ${left}.`, remaining === 0 ? 'Generate a new set in your security settings.' : 'You can generate a new set in your security settings at any time.'],
    footer: 'If this was not you, reset your password and tell your administrator.',
  });
}

export function secondFactorLockedMessage(to: string, lockedUntil: Date): MailMessage {
  return render(to, 'Sign-in paused after wrong codes', {
    greeting,
    paragraphs: [`There were 10 wrong two-factor codes in a row for your account, so signing in is paused until ${lockedUntil.toUTCString()}.`, 'Someone may know your password: if these attempts were not yours, change your password now.'],
  });
}

/** D2 / M3: an administrator (or an operator) removed the member's second factors. */
export function twoFactorResetMessage(to: string, options: { stillRequired: boolean }): MailMessage {
  return render(to, 'Your two-factor authentication was reset', {
    greeting,
    paragraphs: [
      'An administrator reset two-factor authentication for your account: your authenticator app and your recovery codes no longer work. You stay signed in where you are.',
      options.stillRequired ? 'Two-factor authentication is still required for you, so you will set it up again the next time you sign in.' : 'You can turn it on again in your security settings.',
    ],
    footer: 'If you did not expect this, tell your administrator.',
  });
}

/** P4: an administrator changed whether this member must use two-factor authentication. */
export function memberTwoFactorRequirementMessage(to: string, options: { required: boolean; hasTwoFactor: boolean; requiredByOrganization: boolean }): MailMessage {
  const paragraphs = options.required
    ? [
        'Your administrator now requires two-factor authentication for your account.',
        options.hasTwoFactor ? 'You already use it, so nothing changes for you.' : 'Set it up in your security settings; the next time you sign in, you will be asked to set it up before anything else.',
      ]
    : [
        'Your administrator no longer requires two-factor authentication for you personally.',
        options.requiredByOrganization ? 'Your organization still requires it for everyone, so nothing changes for you.' : 'We recommend keeping it on all the same.',
      ];
  return render(to, options.required ? 'Two-factor authentication is now required for you' : 'Two-factor authentication is no longer required for you', { greeting, paragraphs });
}

/** P1: the organization now requires two-factor authentication; sent to members not set up yet. */
export function twoFactorRequiredMessage(to: string, organizationName: string, deadline: Date | null, settingsLink: string): MailMessage {
  const when =
    deadline === null
      ? 'The next time you sign in, you will be asked to set it up before you can continue.'
      : `Please set it up before ${deadline.toUTCString()}. After that, you will be asked to set it up when you sign in, before you can continue.`;
  return render(to, 'Your organization now requires two-factor authentication', {
    greeting,
    paragraphs: [`Your organization on Tessera, ${quoted(organizationName)}, now requires two-factor authentication: signing in will ask for a code from an authenticator app as well as your password.`, when],
    action: { label: 'Set up two-factor authentication', url: settingsLink },
  });
}

/** P6: a reminder 7 days or 1 day before the organization's deadline. */
export function twoFactorReminderMessage(to: string, organizationName: string, deadline: Date, settingsLink: string): MailMessage {
  return render(to, 'Reminder: set up two-factor authentication', {
    greeting,
    paragraphs: [
      `Your organization on Tessera, ${quoted(organizationName)}, requires two-factor authentication from ${deadline.toUTCString()}, and you have not set it up yet.`,
      'It takes a minute with an authenticator app. After the deadline, you will be asked to set it up when you sign in, before you can continue.',
    ],
    action: { label: 'Set up two-factor authentication', url: settingsLink },
  });
}

/** G3: the account's limit for unknown clients tripped (once a window). */
export function unknownClientsLockedMessage(to: string, attempt: { at: Date; ip: string | null; browser: string }): MailMessage {
  return render(to, 'Sign-in attempts to your account were paused', {
    greeting: 'Hello,',
    paragraphs: [
      `Someone entered a wrong password for your account too many times. The last attempt was at ${attempt.at.toUTCString()} from ${attempt.ip ?? 'an unknown address'} using ${attempt.browser}.`,
      'For the next 15 minutes, sign-in is paused for browsers you have not used before. If this wasn\'t you, there is nothing to do: the browsers you already signed in with still work as usual.',
    ],
    footer: 'If you think someone knows your password, change it in your security settings.',
  });
}

/** G4: a complete sign-in from a browser the member had not used before. */
export function newBrowserSignInMessage(to: string, signIn: { at: Date; ip: string | null; browser: string | null; os: string | null }, sessionsLink: string): MailMessage {
  return render(to, 'New sign-in to your account', {
    greeting: 'Hello,',
    paragraphs: [
      `Your account was signed in to from a browser it had not been used with before.`,
      `Time: ${signIn.at.toUTCString()}. Address: ${signIn.ip ?? 'unknown'}. Browser: ${signIn.browser ?? 'unknown'}. Operating system: ${signIn.os ?? 'unknown'}.`,
      'If this was you, there is nothing to do. If it wasn\'t, end that session and change your password.',
    ],
    action: { label: 'Review your sessions', url: sessionsLink },
  });
}

/** E3/P2: the organization's requirement turned its single-sign-on connection off (to its administrators). */
export function singleSignOnDisabledMessage(to: string, organizationName: string, settingsLink: string): MailMessage {
  return render(to, 'Single sign-on was turned off', {
    greeting,
    paragraphs: [
      `Two-factor authentication is now required in your organization on Tessera, ${quoted(organizationName)}. Its single sign-on connection was set to be turned off when that happens, so it is off now: members sign in with their Tessera password and second factor.`,
      'To keep single sign-on with the requirement, choose in the connection’s settings that Tessera also asks for its second factor, or that the identity provider’s multi-factor sign-in is accepted, and enable it again.',
    ],
    action: { label: 'Single sign-on settings', url: settingsLink },
  });
}

/** W1: a security key or passkey was added, renamed or removed (`name` is the member's own text, quoted). */
export function webAuthnChangedMessage(to: string, change: { action: 'added' | 'renamed' | 'removed'; name: string; twoFactorOff?: boolean }): MailMessage {
  const subjects = { added: 'A security key or passkey was added', renamed: 'A security key or passkey was renamed', removed: 'A security key or passkey was removed' } as const;
  const paragraphs = [`The security key or passkey ${quoted(change.name)} was ${change.action} ${change.action === 'renamed' ? 'on' : change.action === 'added' ? 'to' : 'from'} your account.`];
  if (change.twoFactorOff) paragraphs.push('It was your last second factor: two-factor authentication is now off, and signing in needs only your password.');
  return render(to, subjects[change.action], { greeting, paragraphs, footer: 'If this was not you, reset your password and tell your administrator.' });
}
