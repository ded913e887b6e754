// Two-factor authentication end to end in Chromium against the real server: setup with the key
// typed by hand (T1–T6), signing in with an authenticator code and with a recovery code (L1, L2,
// R7), showing and regenerating recovery codes (R3–R5), the page that asks for a new set once the
// last code is used (R6), the lock after too many wrong codes (L3) and turning it off (D1).
// The test is its own authenticator app: it reads the key from the page and computes codes with
// the otpauth package. Selectors are accessible names and labels.
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator } from './support/authenticator.js';
import { launchBrowser, newPerson, type Person } from './support/browser.js';
import { readMailbox, waitForLink } from './support/mailbox.js';
import { delay, horizontalOverflowInPixels, openSecuritySettings, readRecoveryCodes, signOut } from './support/pages.js';
import { startServer, type RunningServer } from './support/server.js';
import { ageSessionConfirmations } from './support/sessions.js';

interface Account {
  organization: string;
  name: string;
  email: string;
  password: string;
}

const run = Date.now().toString(36);
const member: Account = { organization: 'Globex', name: 'Grace Hopper', email: `grace.${run}@globex.test`, password: 'a long and careful passphrase' };
// L3 locks the second step for 15 minutes, and everything that takes a code with it: a member of
// their own, so the lock leaves the main walk alone.
const guesser: Account = { organization: 'Initech', name: 'Milton Waddams', email: `milton.${run}@initech.test`, password: 'my red stapler, please' };

const groupedKeyPattern = /^[A-Z2-7]{4}( [A-Z2-7]{4})+$/;

/** Waits for an e-mail to `to` whose text matches; mail goes out after the commit, not with the answer. */
async function waitForMessage(baseUrl: string, to: string, pattern: RegExp, timeoutInMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    const messages = await readMailbox(baseUrl);
    if (messages.some((message) => message.to.toLowerCase() === to.toLowerCase() && pattern.test(message.text))) return;
    if (Date.now() > deadline) throw new Error(`No message to ${to} matching ${pattern} arrived.`);
    await delay(100);
  }
}

async function signUp(page: Page, account: Account): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Organization name').fill(account.organization);
  await page.getByLabel('Your name').fill(account.name);
  await page.getByLabel('E-mail').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.waitForURL('**/settings');
}

async function signInWithPassword(page: Page, account: Account = member): Promise<void> {
  await page.getByLabel('E-mail').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** From the sign-in page, through the second step with a recovery code, to the signed-in app. */
async function signInWithRecoveryCode(page: Page, code: string): Promise<void> {
  await signInWithPassword(page);
  await page.waitForURL(/\/login\/two-factor/);
  await page.getByRole('button', { name: 'Use a recovery code' }).click();
  await page.getByLabel('Recovery code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
}

describe('Two-factor authentication in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let person: Person;
  let authenticator: Authenticator;
  let recoveryCodes: string[] = [];

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    person = await newPerson(browser, server.baseUrl);
    await person.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.baseUrl });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('A1, T1: an unverified address is told to verify before it can turn two-factor authentication on', async () => {
    const { page } = person;
    await signUp(page, member);

    await page.getByRole('tab', { name: 'Security' }).click();
    await page.getByText('Verify your e-mail address before you turn on two-factor authentication.', { exact: false }).first().waitFor();
    expect(await page.getByRole('button', { name: 'Turn on two-factor authentication' }).count()).toBe(0);

    await page.goto(await waitForLink(server.baseUrl, member.email, '/verify-email'));
    await page.getByRole('heading', { level: 1, name: 'E-mail address verified' }).waitFor();
  });

  it('T1–T6: turns it on with the key typed by hand and saves the recovery codes (at 375 px)', async () => {
    const { page } = person;
    await page.setViewportSize({ width: 375, height: 740 });
    await openSecuritySettings(page);
    await page.getByText('Off', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();

    await page.getByRole('heading', { level: 3, name: 'Set up your authenticator app' }).waitFor();
    // Issue 17 item 6: on a phone, a link opens the account in the authenticator app, and the key
    // with its Copy button is in sight without opening anything; the QR code is for another device.
    const openInApp = page.getByRole('link', { name: 'Open in your authenticator app' });
    expect(await openInApp.getAttribute('href')).toMatch(/^otpauth:\/\/totp\/.+\?secret=[A-Z2-7]+&issuer=/);
    expect(await page.getByText(groupedKeyPattern).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Copy key' }).isVisible()).toBe(true);
    await page.getByText('Using another device? Show the QR code').click();
    const qrCode = page.getByRole('img', { name: 'QR code to scan with your authenticator app' });
    expect(await qrCode.getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    // The image really renders (the CSP allows data: images). No DOM library here: the element's type is spelled out.
    const isRendered = await qrCode.evaluate(async (image: { decode: () => Promise<void>; naturalWidth: number }) => {
      await image.decode();
      return image.naturalWidth > 0;
    });
    expect(isRendered).toBe(true);

    const groupedKey = ((await page.getByText(groupedKeyPattern).textContent()) ?? '').trim();
    expect(groupedKey).toMatch(groupedKeyPattern);
    expect(groupedKey.replace(/ /g, '')).toHaveLength(32); // T3: 20 bytes in base32
    authenticator = Authenticator.fromGroupedKey(groupedKey);
    expect(await horizontalOverflowInPixels(page), 'setup at 375 px').toBeLessThanOrEqual(0);

    const codeField = page.getByLabel('Code from the app');
    expect(await codeField.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await codeField.getAttribute('inputmode')).toBe('numeric');

    // T4: a wrong code turns nothing on; the error sits beside the field.
    await codeField.fill(authenticator.wrongCode());
    await page.getByRole('button', { name: 'Turn on', exact: true }).click();
    await page.getByText('That code is not correct.', { exact: false }).waitFor();
    expect(await codeField.getAttribute('aria-invalid')).toBe('true');

    await codeField.fill(await authenticator.nextCode());
    await page.getByRole('button', { name: 'Turn on', exact: true }).click();
    await page.getByRole('heading', { level: 3, name: 'Save your recovery codes' }).waitFor();

    // R1, T6: eight codes shown as 1234-5678, with Copy and Download.
    recoveryCodes = await readRecoveryCodes(page);
    expect(recoveryCodes).toHaveLength(8);
    for (const code of recoveryCodes) expect(code).toMatch(/^\d{4}-\d{4}$/);
    expect(await horizontalOverflowInPixels(page), 'recovery codes at 375 px').toBeLessThanOrEqual(0);

    // Issue 17 item 5: Finish waits until the codes were saved somehow (or the box is ticked).
    const finish = page.getByRole('button', { name: 'Finish' });
    expect(await finish.isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Copy codes' }).click();
    await page.getByText('Copied 8 codes to the clipboard.').waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(recoveryCodes.join('\n'));
    expect(await finish.isEnabled()).toBe(true);

    const downloadStarted = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download (.txt)' }).click();
    const download = await downloadStarted;
    // The file names the organization and the account (sanitised).
    expect(download.suggestedFilename()).toBe(`tessera-globex-${member.email}-recovery-codes.txt`);
    const file = await readFile(await download.path(), 'utf8');
    const [header] = file.split('\n');
    expect(header).toContain(member.email);
    expect(file).toMatch(/Saved on .*\d{4}/);
    for (const code of recoveryCodes) expect(file).toContain(code);

    // Print sends the codes to the printer (window.print, recorded here instead of a dialog).
    await page.evaluate('window.__printed = 0; window.print = () => { window.__printed += 1; }');
    await page.getByRole('button', { name: 'Print' }).click();
    await page.getByText('Sent to the printer.').waitFor();
    expect(await page.evaluate<number>('window.__printed')).toBe(1);
    expect(await page.getByLabel('I have saved these codes').isChecked()).toBe(true);
    await finish.click();

    await page.getByText('Two-factor authentication is on.', { exact: false }).waitFor();
    await page.getByText('On', { exact: true }).waitFor();
    await page.getByText('Authenticator app', { exact: true }).waitFor();
    await page.getByText('8 of 8 left', { exact: true }).waitFor();
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('L1, L2: signing in asks for a code from the app and goes on to the page asked for', async () => {
    const { page } = person;
    await signOut(page);
    await page.goto('/settings?tab=security');
    await page.waitForURL('**/login?next=*');
    await signInWithPassword(page);

    // Changing one's mind after the password ends that sign-in on the server, cookie included.
    await page.waitForURL(/\/login\/two-factor/);
    await page.getByRole('link', { name: 'Sign in with a different account' }).click();
    await page.waitForURL(/\/login(\?|$)/);
    await expect.poll(async () => (await page.context().cookies()).some((cookie) => cookie.name === 'tessera_challenge')).toBe(false);
    await signInWithPassword(page);

    await page.waitForURL(/\/login\/two-factor/);
    await page.getByRole('heading', { level: 1, name: 'Two-factor authentication' }).waitFor();
    const codeField = page.getByLabel('Code from the app');
    expect(await codeField.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await codeField.getAttribute('inputmode')).toBe('numeric');

    await codeField.fill('12345');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('The code from your app has 6 digits.').waitFor();

    // Issue 17 item 3: the sixth digit sends the code by itself.
    await codeField.fill(authenticator.wrongCode());
    await page.getByText('That code is not correct.').waitFor();
    expect(await codeField.getAttribute('aria-invalid')).toBe('true');

    await codeField.fill(await authenticator.nextCode());
    await page.waitForURL(/\/settings\?tab=security$/);
    await page.getByRole('heading', { level: 2, name: 'Two-factor authentication' }).waitFor();
  });

  it('L2, R7, R3: signs in with a recovery code, is told how many remain, and sees it marked used', async () => {
    const { page } = person;
    await signOut(page);
    await signInWithPassword(page);
    await page.waitForURL(/\/login\/two-factor/);

    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    const codeField = page.getByLabel('Recovery code');
    expect(await codeField.getAttribute('inputmode')).toBe('text');
    await page.getByText('like 1234-5678', { exact: false }).waitFor();
    // The switch goes both ways.
    await page.getByRole('button', { name: 'Use your authenticator app' }).click();
    await page.getByLabel('Code from the app').waitFor();
    await page.getByRole('button', { name: 'Use a recovery code' }).click();

    await page.getByLabel('Recovery code').fill(recoveryCodes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('heading', { level: 1, name: 'Signed in with a recovery code' }).waitFor();
    await page.getByText('You have 7 recovery codes left.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL('**/settings');

    await waitForMessage(server.baseUrl, member.email, /7 recovery codes remain/);

    await openSecuritySettings(page);
    await page.getByText('7 of 8 left', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Show recovery codes' }).click();
    await page.getByRole('heading', { level: 3, name: 'Your recovery codes' }).waitFor();
    const list = page.getByRole('list', { name: 'Recovery codes' });
    const used = list.getByRole('listitem').filter({ hasText: recoveryCodes[0]! });
    expect(await used.textContent()).toMatch(/used \S+/);
    expect(await used.locator('s').count()).toBe(1);
    const unused = list.getByRole('listitem').filter({ hasText: recoveryCodes[1]! });
    expect(await unused.locator('s').count()).toBe(0);
    await page.getByRole('button', { name: 'Done' }).click();
  });

  it('A5: a second step over 10 minutes old: showing the codes asks for the password and a current code, then shows them', async () => {
    const { page } = person;
    await ageSessionConfirmations(server, member.email, 11 * 60_000);
    await page.getByRole('button', { name: 'Show recovery codes' }).click();
    const dialog = page.getByRole('dialog', { name: 'Confirm your password and a current code' });
    await dialog.waitFor();
    await dialog.getByLabel('Password', { exact: true }).fill(member.password);
    // A wrong code confirms nothing (and counts towards L3): the dialog stays, with the error at the field.
    await dialog.getByLabel('Current code').fill(authenticator.wrongCode());
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.getByText('That code is not correct.').waitFor();
    expect(await dialog.getByLabel('Current code').getAttribute('aria-invalid')).toBe('true');
    await dialog.getByLabel('Current code').fill(await authenticator.nextCode());
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByRole('heading', { level: 3, name: 'Your recovery codes' }).waitFor();
    expect(await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').count()).toBe(8);
    await page.getByRole('button', { name: 'Done' }).click();
  });

  it('R5: regenerating replaces the whole set and the old codes stop working at once', async () => {
    const { page } = person;
    await page.getByRole('button', { name: 'Generate new recovery codes' }).click();
    const dialog = page.getByRole('dialog', { name: 'Generate new recovery codes?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Generate new codes' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await page.getByRole('heading', { level: 3, name: 'Save your recovery codes' }).waitFor();
    const newCodes = await readRecoveryCodes(page);
    expect(newCodes).toHaveLength(8);
    expect(newCodes.filter((code) => recoveryCodes.includes(code))).toEqual([]);
    await page.getByLabel('I have saved these codes').check();
    await page.getByRole('button', { name: 'Finish' }).click();
    await page.getByText('8 of 8 left', { exact: true }).waitFor();

    const oldCode = recoveryCodes[1]!;
    recoveryCodes = newCodes;
    await signOut(page);
    await signInWithRecoveryCode(page, oldCode);
    await page.getByText('That recovery code is not correct, or it was already used.').waitFor();
    expect(await page.getByLabel('Recovery code').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Recovery code').fill(recoveryCodes[0]!);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('You have 7 recovery codes left.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL('**/settings');
  });

  it('R6: after the last recovery code every page asks for a new set first', async () => {
    const { page } = person;
    // Use up all but the last code.
    for (const [index, code] of recoveryCodes.slice(1, -1).entries()) {
      await signOut(page);
      await signInWithRecoveryCode(page, code);
      const left = 6 - index;
      await page.getByText(`You have ${left} recovery ${left === 1 ? 'code' : 'codes'} left.`, { exact: false }).waitFor();
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL('**/settings');
    }

    await signOut(page);
    await page.goto('/settings?tab=sessions');
    await page.waitForURL('**/login?next=*');
    await signInWithRecoveryCode(page, recoveryCodes.at(-1)!);
    await page.getByRole('heading', { level: 1, name: 'Generate new recovery codes' }).waitFor();
    await page.getByText('You have used all of your recovery codes.').waitFor();
    // The main navigation is gone, and any other page shows the same request.
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await page.goto('/admin/users');
    await page.getByRole('heading', { level: 1, name: 'Generate new recovery codes' }).waitFor();

    await page.getByRole('button', { name: 'Generate new recovery codes' }).click();
    await page.getByRole('heading', { level: 1, name: 'Save your new recovery codes' }).waitFor();
    recoveryCodes = await readRecoveryCodes(page);
    expect(recoveryCodes).toHaveLength(8);
    const continueButton = page.getByRole('button', { name: 'Continue' });
    expect(await continueButton.isDisabled()).toBe(true);
    await page.getByLabel('I have saved these codes').check();
    await continueButton.click();

    // Normal use again, on the page that was asked for.
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
  });

  it('D1: turns it off with a current code; signing in then needs only the password', async () => {
    const { page } = person;
    await openSecuritySettings(page);
    await page.getByRole('button', { name: 'Turn off two-factor authentication' }).click();
    const dialog = page.getByRole('dialog', { name: 'Turn off two-factor authentication?' });
    await dialog.waitFor();
    await dialog.getByLabel('Code from the app').fill(await authenticator.nextCode());
    await dialog.getByRole('button', { name: 'Turn off', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });

    await page.getByText('Two-factor authentication is off.').waitFor();
    await page.getByText('Off', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).waitFor();

    await signOut(page);
    await signInWithPassword(page);
    await page.waitForURL('**/settings');
  });

  it('L3: ten wrong codes in a row lock the second step and the page says until when', async () => {
    const other = await newPerson(browser, server.baseUrl);
    try {
      const { page } = other;
      await signUp(page, guesser);
      await page.goto(await waitForLink(server.baseUrl, guesser.email, '/verify-email'));
      await page.getByRole('heading', { level: 1, name: 'E-mail address verified' }).waitFor();
      await openSecuritySettings(page);
      await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
      await page.getByText('Can’t scan it? Type the key instead').click();
      const guesserApp = Authenticator.fromGroupedKey(((await page.getByText(groupedKeyPattern).textContent()) ?? '').trim());
      await page.getByLabel('Code from the app').fill(await guesserApp.nextCode());
      await page.getByRole('button', { name: 'Turn on', exact: true }).click();
      const [guesserRecoveryCode] = await readRecoveryCodes(page);
      await page.getByLabel('I have saved these codes').check();
      await page.getByRole('button', { name: 'Finish' }).click();
      await page.getByText('8 of 8 left', { exact: true }).waitFor();
      await signOut(page);

      await signInWithPassword(page, guesser);
      await page.waitForURL(/\/login\/two-factor/);
      const codeField = page.getByLabel('Code from the app');
      const lockMessage = page.getByRole('alert').filter({ hasText: 'signing in to this account is locked until' });
      // The tenth wrong code locks (and is refused as wrong); from the eleventh on, 429.
      for (let attempt = 1; attempt <= 11 && (await lockMessage.count()) === 0; attempt++) {
        // Each wrong code is sent by its sixth digit (a different one each time).
        const answered = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/two-factor'));
        await codeField.fill(guesserApp.wrongCode(attempt));
        await answered;
        await page.getByRole('button', { name: 'Verify' }).waitFor();
      }
      await lockMessage.waitFor();
      expect(await lockMessage.textContent()).toMatch(/locked until .+\(in 15 minutes\)/);

      // Every try is refused while locked, a right code included.
      await page.getByRole('button', { name: 'Use a recovery code' }).click();
      await page.getByLabel('Recovery code').fill(guesserRecoveryCode!);
      const refused = page.waitForResponse((response) => response.url().endsWith('/api/v1/auth/two-factor'));
      await page.getByRole('button', { name: 'Verify' }).click();
      expect((await refused).status()).toBe(429);
      await lockMessage.waitFor();
      expect(page.url()).toMatch(/\/login\/two-factor/);
      expect(other.consoleErrors.filter((message) => /Content Security Policy/i.test(message))).toEqual([]);
    } finally {
      await other.context.close();
    }
  });

  it('no page broke the Content-Security-Policy', () => {
    const violations = person.consoleErrors.filter((message) => /Content Security Policy/i.test(message));
    expect(violations).toEqual([]);
  });
});
