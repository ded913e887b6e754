// B2 and G1 end to end in Chromium: an administrator lets browsers be remembered, signs in ticking
// "Don't ask again on this browser", signs out and in without the second step, finds the browser
// under Security → Your browsers, forgets it, and is asked for the second step again.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator } from './support/authenticator.js';
import { launchBrowser, newPerson, type Person } from './support/browser.js';
import { waitForLink } from './support/mailbox.js';
import { openSecuritySettings, signOut } from './support/pages.js';
import { startServer, type RunningServer } from './support/server.js';

const run = Date.now().toString(36);
const account = { organization: 'Hooli', name: 'Gavin Belson', email: `gavin.${run}@hooli.test`, password: 'a box of tethics, signed' };

async function signInWithPassword(page: Page): Promise<void> {
  await page.getByLabel('E-mail').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

describe('Remembered browsers in the browser (B2, G1)', () => {
  let server: RunningServer;
  let browser: Browser;
  let person: Person;
  let authenticator: Authenticator;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    person = await newPerson(browser, server.baseUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('B2 sign in ticking "don\'t ask again", sign out and in without the second step, forget the browser, asked again', async () => {
    const { page } = person;
    await page.goto('/signup');
    await page.getByLabel('Organization name').fill(account.organization);
    await page.getByLabel('Your name').fill(account.name);
    await page.getByLabel('E-mail').fill(account.email);
    await page.getByLabel('Password', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.waitForURL('**/settings');
    await page.goto(await waitForLink(server.baseUrl, account.email, '/verify-email'));
    await page.getByRole('heading', { level: 1, name: 'E-mail address verified' }).waitFor();

    // Two-factor authentication on, with the key typed by hand.
    await openSecuritySettings(page);
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await page.getByText('Can’t scan it? Type the key instead').click();
    const groupedKey = ((await page.getByText(/^[A-Z2-7]{4}( [A-Z2-7]{4})+$/).textContent()) ?? '').trim();
    authenticator = Authenticator.fromGroupedKey(groupedKey);
    await page.getByLabel('Code from the app').fill(await authenticator.nextCode());
    await page.getByRole('button', { name: 'Turn on', exact: true }).click();
    await page.getByLabel('I have saved these codes').check();
    await page.getByRole('button', { name: 'Finish' }).click();
    await page.getByText('Two-factor authentication is on.', { exact: false }).waitFor();

    // The organization allows remembering browsers for 14 days.
    await page.goto('/admin/settings');
    const days = page.getByLabel("Don't ask for the second factor again on a browser for (days)");
    expect(await days.inputValue()).toBe('0');
    await days.fill('14');
    await page.getByRole('button', { name: 'Save remembered-browser setting' }).click();
    await page.getByText('The remembered-browser setting has been saved.').waitFor();

    // Sign in, ticking the box.
    await signOut(page);
    await signInWithPassword(page);
    await page.waitForURL(/\/login\/two-factor/);
    const remember = page.getByLabel("Don't ask again on this browser for 14 days");
    expect(await remember.isChecked()).toBe(false);
    await remember.check();
    // The sixth digit sends the code (issue 17 item 3).
    await page.getByLabel('Code from the app').fill(await authenticator.nextCode());
    await page.waitForURL('**/settings');

    // Out and in again: no second step.
    await signOut(page);
    await signInWithPassword(page);
    await page.waitForURL('**/settings');
    expect(page.url()).not.toMatch(/two-factor/);

    // Under Security, "Your browsers" shows this browser, remembered; forget it.
    await openSecuritySettings(page);
    await page.getByRole('heading', { level: 2, name: 'Your browsers' }).waitFor();
    const list = page.getByRole('list', { name: 'Browsers' });
    const current = list.getByRole('listitem').filter({ hasText: 'This browser' });
    await current.getByText('Remembered until').waitFor();
    await current.getByText(/Chrome/).first().waitFor();
    await current.getByRole('button', { name: /Forget/ }).click();
    await page.getByText('This browser is forgotten', { exact: false }).waitFor();

    // Asked for the second step again.
    await signOut(page);
    await signInWithPassword(page);
    await page.waitForURL(/\/login\/two-factor/);
    await page.getByLabel('Code from the app').waitFor();
    expect(person.consoleErrors.filter((message) => !/status of 4\d\d/.test(message))).toEqual([]);
  });
});
