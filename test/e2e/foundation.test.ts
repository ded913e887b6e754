// The foundation, end to end in Chromium against the real server: sign-up and e-mail
// verification (A1), sign-in and sign-out (A2, A3), invitations (A6), the users grid (M1) and
// password reset (A4). Selectors are accessible names, so the walk also proves the labels exist.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPerson, type Person } from './support/browser.js';
import { waitForLink } from './support/mailbox.js';
import { horizontalOverflowInPixels } from './support/pages.js';
import { startServer, type RunningServer } from './support/server.js';

// Addresses unique per run, so the walk also works against a server that is already running.
const run = Date.now().toString(36);
const administrator = { organization: 'Acme', name: 'Ada Admin', email: `ada.${run}@acme.test`, password: 'correct horse battery staple' };
const teammate = { name: 'Tom Teammate', email: `tom.${run}@acme.test`, password: 'teammate secret 1', newPassword: 'a brand new passphrase' };

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('E-mail').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

// Page-side code goes in as strings: the test project's TypeScript has no DOM library.
async function focusedFieldName(page: Page): Promise<string | null> {
  return page.evaluate<string | null>("document.activeElement?.getAttribute('name') ?? null");
}

describe('Foundation in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let admin: Person;
  let invitee: Person;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    admin = await newPerson(browser, server.baseUrl);
    invitee = await newPerson(browser, server.baseUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('A1: signing up creates the organization and lands on the settings, unverified', async () => {
    const { page } = admin;
    await page.goto('/');
    await page.waitForURL('**/login');
    await page.getByRole('link', { name: 'Create an organization' }).click();
    await page.waitForURL('**/signup');

    await page.getByLabel('Organization name').fill(administrator.organization);
    await page.getByLabel('Your name').fill(administrator.name);
    await page.getByLabel('E-mail').fill(administrator.email);
    await page.getByLabel('Password', { exact: true }).fill('too short');
    await page.getByRole('button', { name: 'Create organization' }).click();
    // The error sits beside its field and is tied to it.
    const password = page.getByLabel('Password', { exact: true });
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    await page.getByText('Use at least 10 characters.').waitFor();

    await password.fill(administrator.password);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.waitForURL('**/settings');
    await page.getByRole('heading', { level: 1, name: 'Account settings' }).waitFor();
    await page.getByText('Not verified', { exact: true }).waitFor();
    await page.getByText(/Verify your e-mail address/).first().waitFor();
  });

  it('A1: the link from the development mailbox verifies the address', async () => {
    const { page } = admin;
    await page.goto('/dev/mailbox');
    await page.getByRole('button', { name: /^Verify your e-mail address/ }).filter({ hasText: administrator.email }).click();
    await page.getByRole('link', { name: /\/verify-email\?token=/ }).click();
    await page.waitForURL(/\/verify-email\?token=/);
    await page.getByRole('heading', { level: 1, name: 'E-mail address verified' }).waitFor();

    await page.getByRole('link', { name: 'Go to your settings' }).click();
    await page.getByText('Verified', { exact: true }).waitFor();
    expect(await page.getByRole('complementary', { name: 'E-mail verification' }).count()).toBe(0);
  });

  it('A2, A3: signs out, refuses a wrong password, signs in again and lists this session', async () => {
    const { page } = admin;
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL('**/login');

    await signIn(page, administrator.email, 'not the password');
    await page.getByRole('alert').getByText('The e-mail address or password is not correct.').waitFor();

    await signIn(page, administrator.email, administrator.password);
    await page.waitForURL('**/settings');
    await page.getByRole('tab', { name: 'Sessions' }).click();
    await page.getByText('This device', { exact: true }).waitFor();
  });

  it('A6: an administrator invites a teammate from the Users page', async () => {
    const { page } = admin;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.waitForURL('**/admin/users');
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();

    // The dialog opens on its first field and Escape closes it.
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite a teammate' });
    await dialog.waitFor();
    expect(await focusedFieldName(page)).toBe('name');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });

    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await dialog.getByLabel('Name').fill(teammate.name);
    await dialog.getByLabel('E-mail').fill(teammate.email);
    await dialog.getByLabel('Role').selectOption({ label: 'Member' });
    expect(await dialog.getByLabel('Require two-factor authentication').isChecked()).toBe(false);
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await dialog.waitFor({ state: 'hidden' });

    await page.getByText(`Invitation sent to ${teammate.email}.`).waitFor();
    const invitations = page.getByRole('table', { name: 'Pending invitations' });
    await invitations.getByRole('cell', { name: teammate.email, exact: true }).waitFor();
  });

  it('A6: the teammate accepts the e-mailed invitation in their own browser and is signed in', async () => {
    const { page } = invitee;
    const link = await waitForLink(server.baseUrl, teammate.email, '/accept-invitation');
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: `Join ${administrator.organization}` }).waitFor();
    expect(await page.getByLabel('Your name').inputValue()).toBe(teammate.name);
    expect(await page.getByLabel('E-mail').inputValue()).toBe(teammate.email);

    await page.getByLabel('Password', { exact: true }).fill(teammate.password);
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await page.waitForURL('**/settings');
    await page.getByRole('banner').getByText(teammate.name).waitFor();
    // Members see no Users link.
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).count()).toBe(0);
  });

  it('M1: the administrator sees the teammate in the users grid and can search for them', async () => {
    const { page } = admin;
    await page.reload();
    const users = page.getByRole('table', { name: 'Users' });
    await users.getByRole('cell', { name: teammate.email, exact: true }).waitFor();
    await users.getByRole('cell', { name: administrator.email, exact: true }).waitFor();
    await page.getByText('No invitations are waiting.').waitFor();

    await page.getByLabel('Search by name or e-mail').fill('Teammate');
    const matches = page.getByRole('table', { name: 'Users matching “Teammate”' });
    await matches.getByRole('cell', { name: teammate.email, exact: true }).waitFor();
    expect(await matches.getByRole('cell', { name: administrator.email, exact: true }).count()).toBe(0);
  });

  it('the pages fit a 375 px wide screen without horizontal scrolling', async () => {
    const { page } = admin;
    await page.setViewportSize({ width: 375, height: 740 });
    for (const path of ['/admin/users', '/settings', '/settings?tab=sessions', '/dev/mailbox']) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1 }).waitFor();
      const overflow = await horizontalOverflowInPixels(page);
      expect(overflow, path).toBeLessThanOrEqual(0);
    }
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('A4: forgot password, reset through the e-mailed link, sign in with the new password', async () => {
    const { page } = invitee;
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL('**/login');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForURL('**/forgot-password');
    await page.getByLabel('E-mail').fill(teammate.email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await page.getByText(/If an account exists for/).waitFor();

    await page.goto(await waitForLink(server.baseUrl, teammate.email, '/reset-password'));
    await page.getByLabel('New password', { exact: true }).fill(teammate.newPassword);
    await page.getByLabel('Confirm new password').fill('something else entirely');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('The two passwords do not match.').waitFor();
    expect(await page.getByLabel('Confirm new password').getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Confirm new password').fill(teammate.newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { level: 1, name: 'Password changed' }).waitFor();
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();
    await page.waitForURL('**/login');

    await signIn(page, teammate.email, teammate.password);
    await page.getByRole('alert').getByText('The e-mail address or password is not correct.').waitFor();
    await signIn(page, teammate.email, teammate.newPassword);
    await page.waitForURL('**/settings');
    await page.getByRole('banner').getByText(teammate.name).waitFor();
  });

  it('no page broke the Content-Security-Policy', () => {
    const violations = [...admin.consoleErrors, ...invitee.consoleErrors].filter((message) => /Content Security Policy/i.test(message));
    expect(violations).toEqual([]);
  });
});
