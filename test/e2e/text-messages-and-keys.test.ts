// Text-message codes (S1–S4) and API access (K1, K2) end to end in Chromium against the real
// server: a phone number added with the country picker and confirmed with the code from the
// development outbox, signing in with "Text me a code", the organization's code length and its
// switch for texts, and an API key created, used from the test (Node fetch) and revoked.
// Selectors are accessible names and labels.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPerson, type Person } from './support/browser.js';
import { countTexts, waitForLink, waitForTextedCode } from './support/mailbox.js';
import { delay, horizontalOverflowInPixels, openSecuritySettings, readRecoveryCodes, signOut } from './support/pages.js';
import { startServer, type RunningServer } from './support/server.js';

interface Account {
  organization: string;
  name: string;
  email: string;
  password: string;
}

const run = Date.now().toString(36);
const member: Account = { organization: 'Umbrella', name: 'Alice Abernathy', email: `alice.${run}@umbrella.test`, password: 'a phone in every pocket' };
// The number as typed after picking Switzerland, and as the server stores it (E.164).
const nationalNumber = '079 123 45 67';
const phoneE164 = '+41791234567';
const changedNationalNumber = '078 765 43 21';
const changedE164 = '+41787654321';

async function signUp(page: Page, account: Account): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('Organization name').fill(account.organization);
  await page.getByLabel('Your name').fill(account.name);
  await page.getByLabel('E-mail').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.waitForURL('**/settings');
}

async function signInWithPassword(page: Page): Promise<void> {
  await page.getByLabel('E-mail').fill(member.email);
  await page.getByLabel('Password', { exact: true }).fill(member.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** Picks the country, types the number and asks for the code (S1). */
async function enterPhoneNumber(page: Page, country: string, number: string): Promise<void> {
  await page.getByLabel('Country').selectOption(country);
  await page.getByLabel('Phone number').fill(number);
}

/**
 * S2: texts to one member are a minute apart, whatever they are for. Clicks `button`; when the
 * page answers that a code was sent a moment ago, waits as long as it says and clicks again.
 */
async function askForTextedCode(page: Page, buttonName: string, sent: Locator): Promise<void> {
  const throttled = page.getByRole('alert').filter({ hasText: 'A code was sent a moment ago.' });
  await page.getByRole('button', { name: buttonName }).click();
  await sent.or(throttled).first().waitFor();
  if (!(await throttled.isVisible())) return;
  const seconds = Number(/in (\d+) seconds?/.exec((await throttled.textContent()) ?? '')?.[1] ?? 60);
  await delay((seconds + 1) * 1000);
  await page.getByRole('button', { name: buttonName }).click();
  await sent.waitFor();
}

function basicAuthorization(account: Account): string {
  return `Basic ${Buffer.from(`${account.email}:${account.password}`).toString('base64')}`;
}

async function listUsersWith(baseUrl: string, authorization: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}/api/v1/organization/users`, { headers: { Authorization: authorization, Accept: 'application/json' } });
  const text = await response.text();
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

describe('Text messages and API keys in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let person: Person;
  let recoveryCodes: string[] = [];
  let apiKey = '';

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

  it('A1, K2: signs up and verifies the address; before two-factor authentication the password works over HTTP Basic', async () => {
    const { page } = person;
    await signUp(page, member);
    // Issue 10 item 5: no API keys before the address is verified; the page says why.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByText('Verify your e-mail address before you create API keys.', { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'Create API key' }).isDisabled()).toBe(true);
    await page.goto(await waitForLink(server.baseUrl, member.email, '/verify-email'));
    await page.getByRole('heading', { level: 1, name: 'E-mail address verified' }).waitFor();

    const answer = await listUsersWith(server.baseUrl, basicAuthorization(member));
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  });

  it('S1, S2, T6: adds a phone number with the country picker, confirms the texted code and saves the recovery codes (at 375 px)', async () => {
    const { page } = person;
    await page.setViewportSize({ width: 375, height: 740 });
    await openSecuritySettings(page);
    await page.getByText('Off', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Set up text messages' }).click();
    await page.getByRole('heading', { level: 3, name: 'Set up text messages' }).waitFor();

    // The picker lists countries with their calling codes.
    const country = page.getByLabel('Country');
    expect(await country.locator('option[value="CH"]').textContent()).toBe('Switzerland (+41)');
    expect(await page.getByLabel('Phone number').getAttribute('type')).toBe('tel');

    // S1: a number that is not one is refused beside the field, before anything is texted.
    await enterPhoneNumber(page, 'CH', '12 34');
    await page.getByRole('button', { name: 'Text me a code' }).click();
    await page.getByText('This is not a valid number for Switzerland (+41).', { exact: false }).waitFor();
    expect(await page.getByLabel('Phone number').getAttribute('aria-invalid')).toBe('true');

    const seen = await countTexts(server.baseUrl, phoneE164);
    await enterPhoneNumber(page, 'CH', nationalNumber);
    await page.getByText('Codes will be texted to +41 79 123 45 67.').waitFor();
    await page.getByRole('button', { name: 'Text me a code' }).click();
    await page.getByText('We texted a 6-digit code to', { exact: false }).waitFor();
    const code = await waitForTextedCode(server.baseUrl, phoneE164, seen);
    expect(code).toMatch(/^\d{6}$/); // S2: 6 digits by default
    expect(await horizontalOverflowInPixels(page), 'code step at 375 px').toBeLessThanOrEqual(0);

    const codeField = page.getByLabel('Code from the text message');
    expect(await codeField.getAttribute('autocomplete')).toBe('one-time-code');
    expect(await codeField.getAttribute('inputmode')).toBe('numeric');
    // S2: resending waits a minute.
    expect(await page.getByRole('button', { name: 'Send a new code' }).isDisabled()).toBe(true);
    await page.getByText(/You can ask for a new code in \d+ seconds?\./).waitFor();

    await codeField.fill(code);
    await page.getByRole('button', { name: 'Confirm number' }).click();

    // T6 for a first factor: recovery codes, saved before finishing.
    await page.getByRole('heading', { level: 3, name: 'Save your recovery codes' }).waitFor();
    recoveryCodes = await readRecoveryCodes(page);
    expect(recoveryCodes).toHaveLength(8);
    expect(await horizontalOverflowInPixels(page), 'recovery codes at 375 px').toBeLessThanOrEqual(0);
    await page.getByLabel('I have saved these codes').check();
    await page.getByRole('button', { name: 'Finish' }).click();

    await page.getByText('Two-factor authentication is on. We will text you a code when you sign in.').waitFor();
    await page.getByText('On', { exact: true }).waitFor();
    await page.getByText(/Codes go to .*67/).waitFor();
    await page.getByText('8 of 8 left', { exact: true }).waitFor();
    expect(await horizontalOverflowInPixels(page), 'security overview at 375 px').toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('K2: once two-factor authentication is on, the password over HTTP Basic answers 401 two_factor_enabled_use_api_key', async () => {
    const answer = await listUsersWith(server.baseUrl, basicAuthorization(member));
    expect(answer.status).toBe(401);
    expect(answer.body.code).toBe('two_factor_enabled_use_api_key');
  });

  it('S1, S2, L1: signs in with "Text me a code", reading the code from the development outbox', async () => {
    const { page } = person;
    await signOut(page);
    await signInWithPassword(page);
    await page.waitForURL(/\/login\/two-factor/);
    await page.getByRole('heading', { level: 1, name: 'Two-factor authentication' }).waitFor();

    // Texts are the member's only method: the page asks for a texted code at once.
    const codeField = page.getByLabel('Code from the text message');
    await codeField.waitFor();
    expect(await page.getByRole('button', { name: 'Use your authenticator app' }).count()).toBe(0);

    const seen = await countTexts(server.baseUrl, phoneE164);
    const textMe = page.getByRole('button', { name: 'Text me a code' });
    await textMe.click();
    // S2: the confirmation text went out moments ago and texts are a minute apart per member, so
    // the first try may be throttled: the page says so, counts down, then offers the button again.
    const sent = page.getByRole('status').filter({ hasText: 'We sent a code to' });
    const throttled = page.getByRole('alert').filter({ hasText: 'A code was sent a moment ago. You can ask for a new one in' });
    await sent.or(throttled).waitFor();
    if (await throttled.isVisible()) {
      await page.getByText(/You can ask for a new code in \d+ seconds?\./).waitFor();
      expect(await textMe.isDisabled()).toBe(true);
      await expect.poll(() => textMe.isEnabled(), { timeout: 65_000, interval: 500 }).toBe(true);
      await textMe.click();
    }
    // The masked destination, never the whole number.
    await sent.waitFor();
    expect(await sent.textContent()).toContain('67');
    expect(await sent.textContent()).not.toContain('79 123');
    await page.getByText(/You can ask for a new code in \d+ seconds?\./).waitFor();
    expect(await page.getByRole('button', { name: 'Send a new code' }).isDisabled()).toBe(true);
    const code = await waitForTextedCode(server.baseUrl, phoneE164, seen);

    // S2: the server throttles a second text within the minute (the page's button waits for it).
    const resendStatus = await page.evaluate(async () => {
      const response = await fetch('/api/v1/auth/two-factor/sms', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      return { status: response.status, retryAfter: response.headers.get('Retry-After') };
    });
    expect(resendStatus.status).toBe(429);
    expect(Number(resendStatus.retryAfter)).toBeGreaterThan(0);

    // A wrong code is refused beside the field.
    await codeField.fill(code === '000000' ? '111111' : '000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('That code is not correct, or it has expired.', { exact: false }).waitFor();
    expect(await codeField.getAttribute('aria-invalid')).toBe('true');

    await codeField.fill(code);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL('**/settings');
    await page.getByRole('heading', { level: 1, name: 'Account settings' }).waitFor();
  });

  it('S2: the administrator sets 7-digit codes; changing the number then texts 7 digits', async () => {
    const { page } = person;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organization' }).click();
    await page.getByRole('heading', { level: 1, name: 'Organization settings' }).waitFor();
    expect(await page.getByLabel('Allow text messages').isChecked()).toBe(true);
    await page.getByLabel('7 digits').check();
    await page.getByRole('button', { name: 'Save text message settings' }).click();
    await page.getByText('The text message settings have been saved.').waitFor();

    await openSecuritySettings(page);
    await page.getByRole('button', { name: 'Change number' }).click();
    await page.getByRole('heading', { level: 3, name: 'Change your phone number' }).waitFor();
    const seen = await countTexts(server.baseUrl, changedE164);
    await enterPhoneNumber(page, 'CH', changedNationalNumber);
    // The sign-in text went out moments ago: the page may ask to wait (S2) before this one.
    await askForTextedCode(page, 'Text me a code', page.getByText('We texted a 7-digit code to', { exact: false }));
    const code = await waitForTextedCode(server.baseUrl, changedE164, seen);
    expect(code).toMatch(/^\d{7}$/);

    // The field asks for the organization's length.
    await page.getByLabel('Code from the text message').fill(code.slice(0, 6));
    await page.getByRole('button', { name: 'Confirm number' }).click();
    await page.getByText('The code in the text message has 7 digits.').waitFor();

    await page.getByLabel('Code from the text message').fill(code);
    await page.getByRole('button', { name: 'Confirm number' }).click();
    // Not the first factor: no new recovery codes, straight back to the overview.
    await page.getByText('Your number is confirmed.', { exact: false }).waitFor();
    await page.getByText(/Codes go to .*21/).waitFor();
    await page.getByText('8 of 8 left', { exact: true }).waitFor();
  });

  it('issue 10 item 6: the administrator limits phone numbers to Switzerland; the setup offers only Switzerland and refuses a premium-rate number', async () => {
    const { page } = person;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organization' }).click();
    await page.getByRole('heading', { level: 1, name: 'Organization settings' }).waitFor();
    expect(await page.getByLabel('Every country').isChecked()).toBe(true);
    await page.getByLabel('Only the countries listed').check();
    // Saving an empty list is refused beside the field.
    await page.getByRole('button', { name: 'Save text message settings' }).click();
    await page.getByText('Add at least one country, or allow every country.').first().waitFor();
    await page.getByLabel('Add a country').selectOption('CH');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('list', { name: 'Allowed countries' }).getByText('Switzerland (+41)').waitFor();
    await page.getByRole('button', { name: 'Save text message settings' }).click();
    await page.getByText('The text message settings have been saved.').waitFor();

    await openSecuritySettings(page);
    await page.getByRole('button', { name: 'Change number' }).click();
    await page.getByRole('heading', { level: 3, name: 'Change your phone number' }).waitFor();
    const country = page.getByLabel('Country');
    expect(await country.locator('option').allTextContents()).toEqual(['Switzerland (+41)']);
    await page.getByLabel('Phone number').fill('0900 123 456');
    await page.getByRole('button', { name: 'Text me a code' }).click();
    await page.getByText('codes are texted to mobile numbers only', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();

    // Every country again, for the tests below.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organization' }).click();
    await page.getByLabel('Every country').check();
    await page.getByRole('button', { name: 'Save text message settings' }).click();
    await page.getByText('The text message settings have been saved.').waitFor();
  });

  it('K1: creates an API key with users:read and users:write, uses it from a program (audited as the key), and revokes it', async () => {
    const { page } = person;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { level: 1, name: 'API keys' }).waitFor();
    await page.getByText('No API keys yet.').waitFor();

    await page.getByRole('button', { name: 'Create API key' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create an API key' });
    await dialog.waitFor();
    // Least privilege: nothing is granted until chosen; a bad address range is refused beside its field.
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await dialog.getByText('Give the key a name', { exact: false }).waitFor();
    await dialog.getByText('Choose at least one kind of access.').waitFor();

    await dialog.getByLabel('Name').fill('Directory sync');
    // Issue 10 item 3: role changes are a grant of their own, described, and bring "Manage users" along.
    const roles = dialog.getByLabel('Change roles (users:roles)');
    await dialog.getByText('Change members’ roles and invite administrators', { exact: false }).waitFor();
    await roles.check();
    expect(await dialog.getByLabel('Manage users (users:write)').isChecked()).toBe(true);
    await dialog.getByLabel('Manage users (users:write)').uncheck();
    expect(await roles.isChecked()).toBe(false);
    await dialog.getByLabel('Read users (users:read)').check();
    await dialog.getByLabel('Manage users (users:write)').check();
    const allowedIps = dialog.getByLabel('Allowed addresses (optional)');
    await allowedIps.fill('127.0.0.1/33');
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await dialog.getByText('“127.0.0.1/33” is not an address range.', { exact: false }).waitFor();
    expect(await allowedIps.getAttribute('aria-invalid')).toBe('true');
    await allowedIps.fill('127.0.0.0/8\n::1/128');
    await dialog.getByRole('button', { name: 'Create key' }).click();

    // Shown once, with Copy and a warning.
    const shown = page.getByRole('dialog', { name: 'Copy your new API key' });
    await shown.getByText('This is the only time the key', { exact: false }).waitFor();
    apiKey = await shown.getByLabel('Your new API key').inputValue();
    expect(apiKey).toMatch(/^tsk_[A-Za-z0-9_-]{20,}$/);
    await shown.getByRole('button', { name: 'Copy key' }).click();
    await shown.getByText('Key copied.').waitFor();
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(apiKey);
    await shown.getByLabel('I have copied the key').check();
    await shown.getByRole('button', { name: 'Done' }).click();
    await page.getByText('The API key “Directory sync” was created.').waitFor();

    const table = page.getByRole('table', { name: 'API keys' });
    const row = table.getByRole('row').filter({ hasText: 'Directory sync' });
    await row.getByText('users:read').waitFor();
    await row.getByText('127.0.0.0/8').waitFor();
    await row.getByText('Never').waitFor();
    expect(await row.textContent()).not.toContain(apiKey);

    // A program with the key: the grant it has works, one it lacks does not.
    const withKey = await listUsersWith(server.baseUrl, `Bearer ${apiKey}`);
    expect(withKey.status, JSON.stringify(withKey.body)).toBe(200);
    expect(JSON.stringify(withKey.body.users)).toContain(member.email);
    const audit = await fetch(`${server.baseUrl}/api/v1/organization/audit-events`, { headers: { Authorization: `Bearer ${apiKey}` } });
    expect(audit.status).toBe(403);
    // Issue 10 item 2: what the key does is audited as the key, acting for its creator.
    const invited = await fetch(`${server.baseUrl}/api/v1/organization/users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${apiKey}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: `hire.${run}@umbrella.test`, name: 'New Hire', role: 'member' }),
    });
    expect(invited.status).toBe(201);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    await page.getByRole('row').filter({ hasText: 'Invitation sent' }).getByText(`${member.name} (with API key “Directory sync”) invited New Hire (hire.${run}@umbrella.test) as Member.`).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();

    // K1: last use is recorded.
    await page.reload();
    await table.getByRole('row').filter({ hasText: 'Directory sync' }).getByText(/from (127\.0\.0\.1|::1|::ffff:127\.0\.0\.1)/).waitFor();

    await row.getByRole('button', { name: 'Revoke the API key Directory sync' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke the API key “Directory sync”?' });
    await confirm.getByText('stop working at once', { exact: false }).waitFor();
    await confirm.getByRole('button', { name: 'Revoke key' }).click();
    await page.getByText('The API key “Directory sync” was revoked.', { exact: false }).waitFor();
    await page.getByText('No API keys yet.').waitFor();

    const revoked = await listUsersWith(server.baseUrl, `Bearer ${apiKey}`);
    expect(revoked.status).toBe(401);
  });

  it('S3: the development mailbox page lists the text messages', async () => {
    const { page } = person;
    await page.goto('/dev/mailbox');
    await page.getByRole('heading', { level: 2, name: 'Text messages' }).waitFor();
    const texts = page.getByRole('list', { name: 'Text messages' }).getByRole('listitem');
    await texts.filter({ hasText: changedE164 }).first().waitFor();
    expect(await texts.count()).toBeGreaterThanOrEqual(3);
  });

  it('S4: with texts disallowed, the method says so and sign-in offers a recovery code instead', async () => {
    const { page } = person;
    await page.goto('/admin/settings');
    await page.getByRole('heading', { level: 1, name: 'Organization settings' }).waitFor();
    await page.getByLabel('Allow text messages').uncheck();
    await page.getByRole('button', { name: 'Save text message settings' }).click();
    await page.getByText('The text message settings have been saved.').waitFor();

    await openSecuritySettings(page);
    await page.getByText('Not allowed by your organization', { exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Change number' }).count()).toBe(0);

    await signOut(page);
    await signInWithPassword(page);
    await page.waitForURL(/\/login\/two-factor/);
    await page.getByLabel('Recovery code').fill(recoveryCodes[0]!);
    expect(await page.getByRole('button', { name: 'Text me a code' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('You have 7 recovery codes left.', { exact: false }).waitFor();
  });

  it('S1 D1: removes the phone number, the only method, with a recovery code; two-factor authentication turns off', async () => {
    const { page } = person;
    await openSecuritySettings(page);
    await page.getByRole('button', { name: 'Remove number' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove your phone number?' });
    await dialog.getByText('It is your only method, so two-factor authentication turns off', { exact: false }).waitFor();
    // Texts are not allowed (S4), so none is offered to confirm with.
    expect(await dialog.getByRole('button', { name: 'Text me a code' }).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Remove number' }).click();
    await dialog.getByText('Enter a current code.').first().waitFor();
    await dialog.getByLabel('Current code').fill(recoveryCodes[1]!);
    await dialog.getByRole('button', { name: 'Remove number' }).click();
    await page.getByText('Your phone number was removed. Codes are no longer texted to it.').waitFor();
    await page.getByText('Off', { exact: true }).waitFor();
    await signOut(page);
    await signInWithPassword(page);
    await page.waitForURL('**/settings');
  });

  it('the pages keep to the Content Security Policy', () => {
    const violations = person.consoleErrors.filter((message) => /Content Security Policy/i.test(message));
    expect(violations).toEqual([]);
  });
});
