// Administration end to end in Chromium against the real server, following the administration
// stories click by click: an administrator requires two-factor authentication for everyone (P1);
// a member who is signed in sees the bar and is refused a sensitive change (P5), and at their next
// sign-in goes straight into the setup (P5) before using the app normally; the administrator
// resets that member's two-factor authentication from the member's page (M2, M3); the users grid
// filters and searches (M1); the adoption overview (M4) and the audit log with its export (M5).
// The test is its own authenticator app (otpauth). Selectors are accessible names and labels.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator } from './support/authenticator.js';
import { launchBrowser, newPerson, type Person } from './support/browser.js';
import { countTexts, waitForLink, waitForTextedCode } from './support/mailbox.js';
import { horizontalOverflowInPixels, signOut } from './support/pages.js';
import { startServer, type RunningServer } from './support/server.js';

interface Account {
  name: string;
  email: string;
  password: string;
}

const run = Date.now().toString(36);
const organizationName = 'Umbrella';
const administrator: Account = { name: 'Alice Admin', email: `alice.${run}@umbrella.test`, password: 'a very careful administrator' };
const member: Account = { name: 'Mia Member', email: `mia.${run}@umbrella.test`, password: 'member passphrase 42' };

const groupedKeyPattern = /^[A-Z2-7]{4}( [A-Z2-7]{4})+$/;

async function signIn(page: Page, account: Account): Promise<void> {
  await page.getByLabel('E-mail').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/**
 * A5: a sensitive action may ask for the password first. Waits for `outcome` and, if "Confirm
 * your password" comes up on the way, confirms it.
 */
async function confirmPasswordIfAsked(page: Page, password: string, outcome: Locator): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Confirm your password' });
  await dialog.or(outcome).first().waitFor();
  if (await dialog.isVisible()) {
    await dialog.getByLabel('Password', { exact: true }).fill(password);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await outcome.waitFor();
  }
}

/** From the authenticator setup on screen to "Save your recovery codes", reading the key typed by hand. */
async function completeAuthenticatorSetup(page: Page): Promise<Authenticator> {
  await page.getByText('Can’t scan it? Type the key instead').click();
  const groupedKey = ((await page.getByText(groupedKeyPattern).textContent()) ?? '').trim();
  const app = Authenticator.fromGroupedKey(groupedKey);
  await page.getByLabel('Code from the app').fill(await app.nextCode());
  await page.getByRole('button', { name: 'Turn on', exact: true }).click();
  await page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem').first().waitFor();
  await page.getByLabel('I have saved these codes').check();
  return app;
}

describe('Administration in the browser', () => {
  let server: RunningServer;
  let browser: Browser;
  let admin: Person;
  let teammate: Person;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    admin = await newPerson(browser, server.baseUrl);
    teammate = await newPerson(browser, server.baseUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('the administrator signs up, verifies the address and turns on their own two-factor authentication', async () => {
    const { page } = admin;
    await page.goto('/signup');
    await page.getByLabel('Organization name').fill(organizationName);
    await page.getByLabel('Your name').fill(administrator.name);
    await page.getByLabel('E-mail').fill(administrator.email);
    await page.getByLabel('Password', { exact: true }).fill(administrator.password);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.waitForURL('**/settings');

    await page.goto(await waitForLink(server.baseUrl, administrator.email, '/verify-email'));
    await page.getByRole('heading', { level: 1, name: 'E-mail address verified' }).waitFor();

    await page.goto('/settings?tab=security');
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await confirmPasswordIfAsked(page, administrator.password, page.getByRole('heading', { name: 'Set up your authenticator app' }));
    await completeAuthenticatorSetup(page);
    await page.getByRole('button', { name: 'Finish' }).click();
    await page.getByText('Two-factor authentication is on.', { exact: false }).waitFor();
  });

  it('A6: a teammate is invited and accepts in their own browser', async () => {
    const { page } = admin;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { level: 1, name: 'Users' }).waitFor();
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite a teammate' });
    await dialog.getByLabel('Name').fill(member.name);
    await dialog.getByLabel('E-mail').fill(member.email);
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await confirmPasswordIfAsked(page, administrator.password, page.getByText(`Invitation sent to ${member.email}.`));

    const other = teammate.page;
    await other.goto(await waitForLink(server.baseUrl, member.email, '/accept-invitation'));
    await other.getByLabel('Password', { exact: true }).fill(member.password);
    await other.getByRole('button', { name: 'Accept invitation' }).click();
    await other.waitForURL('**/settings');
    await other.getByRole('banner').getByText(member.name).waitFor();
  });

  it('P1: the administrator requires it for everyone; the confirmation lists who is not set up yet', async () => {
    const { page } = admin;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organization' }).click();
    await page.getByRole('heading', { level: 1, name: 'Organization settings' }).waitFor();
    await page.getByText('Optional', { exact: true }).waitFor();

    const toggle = page.getByRole('switch', { name: 'Require two-factor authentication for everyone' });
    expect(await toggle.getAttribute('aria-checked')).toBe('false');
    await toggle.click();
    const dialog = page.getByRole('dialog', { name: 'Require two-factor authentication?' });
    await dialog.waitFor();
    await dialog.getByText('Not set up yet: 1 member').waitFor();
    await dialog.getByRole('listitem').filter({ hasText: member.email }).waitFor();
    expect(await dialog.getByRole('listitem').filter({ hasText: administrator.email }).count()).toBe(0);
    await dialog.getByRole('button', { name: 'Require two-factor authentication' }).click();
    await confirmPasswordIfAsked(page, administrator.password, page.getByText('Two-factor authentication is now required.', { exact: false }));
    await page.getByText('Required', { exact: true }).waitFor();
    expect(await toggle.getAttribute('aria-checked')).toBe('true');
  });

  it('P5: the signed-in member sees the bar on every page and is refused a change to their name', async () => {
    const { page } = teammate;
    await page.reload();
    const bar = page.getByRole('complementary', { name: 'Two-factor authentication required' });
    await bar.waitFor();
    expect(await bar.textContent()).toMatch(/requires two-factor authentication/);
    // It has nothing to close it with.
    expect(await bar.getByRole('button').count()).toBe(0);
    await page.goto('/settings?tab=sessions');
    await bar.waitFor();

    await page.goto('/settings');
    await page.getByLabel('Name', { exact: true }).fill('Mia M.');
    await page.getByRole('button', { name: 'Save name' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'Two-factor authentication is required for your account' });
    await confirmPasswordIfAsked(page, member.password, refusal);
    await refusal.getByRole('link', { name: 'Set it up in your security settings' }).waitFor();
  });

  it('P5: at the next sign-in the member goes straight into the setup, then uses the app', async () => {
    const { page } = teammate;
    await signOut(page);
    await signIn(page, member);

    await page.getByRole('heading', { level: 1, name: 'Set up two-factor authentication' }).waitFor();
    // No way around it: no navigation, no Cancel, and any other page shows the same setup.
    expect(await page.getByRole('navigation', { name: 'Main' }).count()).toBe(0);
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    await page.goto('/settings?tab=sessions');
    await page.getByRole('heading', { level: 1, name: 'Set up two-factor authentication' }).waitFor();

    await completeAuthenticatorSetup(page);
    await page.getByRole('button', { name: 'Continue' }).click();

    // Normal use again: the page that was asked for, the navigation, no bar, and the change works.
    await page.getByRole('heading', { level: 1, name: 'Account settings' }).waitFor();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await page.getByRole('complementary', { name: 'Two-factor authentication required' }).count()).toBe(0);
    await page.goto('/settings');
    await page.getByLabel('Name', { exact: true }).fill('Mia Member');
    await page.getByRole('button', { name: 'Save name' }).click();
    await confirmPasswordIfAsked(page, member.password, page.getByText('Your name has been saved.'));
  });

  it('M2, M3: the administrator resets the member’s two-factor authentication from their page', async () => {
    const { page } = admin;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    const users = page.getByRole('table', { name: 'Users' });
    await users.getByRole('link', { name: member.name }).click();
    await page.waitForURL(/\/admin\/users\/[^/]+$/);
    await page.getByRole('heading', { level: 1, name: member.name }).waitFor();
    await page.getByText('Authenticator app, added', { exact: false }).waitFor();
    await page.getByText('8 of 8 left', { exact: true }).waitFor();
    await page.getByRole('table', { name: `Recent security events of ${member.name}` }).getByText('Two-factor authentication turned on').waitFor();

    await page.getByRole('button', { name: 'Reset two-factor authentication' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset two-factor authentication?' });
    await dialog.getByText('They stay signed in', { exact: false }).waitFor();
    await dialog.getByText('at their next sign-in they set it up again', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Reset', exact: true }).click();
    await confirmPasswordIfAsked(page, administrator.password, page.getByText(`Two-factor authentication was reset for ${member.name}.`));
    await page.getByRole('table', { name: `Recent security events of ${member.name}` }).getByText('Two-factor authentication reset').waitFor();
    await page.getByText('Not set up.', { exact: false }).waitFor();

    // The member stays signed in; the requirement is unchanged, so the bar is back.
    await teammate.page.reload();
    await teammate.page.getByRole('complementary', { name: 'Two-factor authentication required' }).waitFor();
    await teammate.page.getByRole('banner').getByText(member.name).waitFor();
  });

  it('M1: the grid filters by two-factor status, searches, sorts, and the address keeps the filters', async () => {
    const { page } = admin;
    await page.goto('/admin/users');
    const users = page.getByRole('table', { name: 'Users' });
    await users.getByRole('cell', { name: member.email, exact: true }).waitFor();
    await users.getByRole('cell', { name: administrator.email, exact: true }).waitFor();

    await page.getByLabel('2FA status').selectOption({ label: 'Off' });
    await page.waitForURL(/twoFactor=off/);
    await page.getByText('Showing 1 member.').waitFor();
    await users.getByRole('cell', { name: member.email, exact: true }).waitFor();
    expect(await users.getByRole('cell', { name: administrator.email, exact: true }).count()).toBe(0);

    // A reload keeps the filter.
    await page.reload();
    expect(await page.getByLabel('2FA status').inputValue()).toBe('off');
    await users.getByRole('cell', { name: member.email, exact: true }).waitFor();
    expect(await users.getByRole('cell', { name: administrator.email, exact: true }).count()).toBe(0);

    await page.getByLabel('2FA status').selectOption({ label: 'On' });
    await page.waitForURL(/twoFactor=on/);
    await users.getByRole('cell', { name: administrator.email, exact: true }).waitFor();
    expect(await users.getByRole('cell', { name: member.email, exact: true }).count()).toBe(0);

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await users.getByRole('cell', { name: member.email, exact: true }).waitFor();
    await page.getByLabel('Search by name or e-mail').fill('Mia');
    await page.waitForURL(/q=Mia/);
    const matches = page.getByRole('table', { name: 'Users matching “Mia”' });
    await matches.getByRole('cell', { name: member.email, exact: true }).waitFor();
    expect(await matches.getByRole('cell', { name: administrator.email, exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Clear filters' }).click();

    // Sorting from the column header, announced with aria-sort.
    const nameHeader = page.getByRole('columnheader', { name: 'Name' });
    await nameHeader.getByRole('button').click();
    await page.waitForURL(/sort=name&order=asc/);
    expect(await nameHeader.getAttribute('aria-sort')).toBe('ascending');
    await nameHeader.getByRole('button').click();
    await page.waitForURL(/sort=name&order=desc/);
    expect(await nameHeader.getAttribute('aria-sort')).toBe('descending');
    const firstRow = page.getByRole('table', { name: 'Users' }).getByRole('rowheader').first();
    await expect.poll(() => firstRow.textContent()).toBe(member.name);
  });

  it('M4: the adoption overview shows the picture and who is required but not set up', async () => {
    const { page } = admin;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Overview' }).click();
    await page.getByRole('heading', { level: 1, name: 'Two-factor adoption' }).waitFor();
    await page.getByRole('img', { name: /Members with two-factor authentication on, week by week/ }).waitFor();
    await page.getByText('1 of 2', { exact: false }).first().waitFor();
    await page.getByRole('list', { name: 'Required but not set up' }).getByRole('link', { name: member.name }).waitFor();
    await page.getByText('Show the numbers as a table').click();
    await page.getByRole('table', { name: 'Members with two-factor authentication on, week by week' }).waitFor();
  });

  it('M5: the audit log filters by type and member and exports the same events as JSON lines', async () => {
    const { page } = admin;
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    const events = page.getByRole('table', { name: 'Security events, newest first' });
    await events.getByText('Two-factor authentication required for everyone').first().waitFor();

    await page.getByLabel('Event type', { exact: true }).selectOption({ label: 'Two-factor authentication reset' });
    await page.waitForURL(/type=two_factor\.reset/);
    await expect.poll(() => events.getByRole('row').count()).toBe(2); // the header row and the reset
    await events.getByRole('link', { name: member.name }).waitFor();

    await page.getByLabel('Member', { exact: true }).fill('Mia');
    await page.getByRole('button', { name: new RegExp(`^${member.name}`) }).click();
    await page.waitForURL(/userId=/);
    await events.getByText('Two-factor authentication reset').waitFor();

    const exportLink = page.getByRole('link', { name: 'Export (JSON lines)' });
    const href = (await exportLink.getAttribute('href')) ?? '';
    expect(href).toMatch(/^\/api\/v1\/organization\/audit-events\/export\?/);
    expect(href).toContain('type=two_factor.reset');
    expect(href).toContain('userId=');
    const response = await page.request.get(href);
    expect(response.status()).toBe(200);
    expect(response.headers()['content-type']).toContain('application/x-ndjson');
    const lines = (await response.text()).trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ type: 'two_factor.reset' });
  });

  it('the administration pages fit a 375 px wide screen without horizontal scrolling', async () => {
    const { page } = admin;
    await page.setViewportSize({ width: 375, height: 740 });
    for (const path of ['/admin/overview', '/admin/users?twoFactor=off', '/admin/audit', '/admin/settings']) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      expect(await horizontalOverflowInPixels(page), path).toBeLessThanOrEqual(0);
    }
    await page.goto('/admin/users');
    await page.getByRole('table', { name: 'Users' }).getByRole('link', { name: member.name }).click();
    await page.getByRole('heading', { level: 1, name: member.name }).waitFor();
    expect(await horizontalOverflowInPixels(page), 'member page').toBeLessThanOrEqual(0);
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('M3 D1: on their own page the administrator is sent to their security settings, not offered a reset', async () => {
    const { page } = admin;
    await page.goto('/admin/users');
    await page.getByRole('table', { name: 'Users' }).getByRole('link', { name: administrator.name }).click();
    await page.getByRole('heading', { level: 1, name: administrator.name }).waitFor();
    await page.getByRole('link', { name: 'your security settings' }).waitFor();
    expect(await page.getByRole('button', { name: 'Reset two-factor authentication' }).count()).toBe(0);
  });

  it('P5, S1: after the reset, the member signs in again and picks text messages instead of an app', async () => {
    const { page } = teammate;
    const phoneE164 = '+41791234567';
    await signOut(page);
    await signIn(page, member);
    await page.getByRole('heading', { level: 1, name: 'Set up two-factor authentication' }).waitFor();
    await page.getByRole('heading', { name: 'Set up your authenticator app' }).waitFor();

    await page.getByRole('button', { name: 'Use text messages instead' }).click();
    await page.getByRole('heading', { name: 'Set up text messages' }).waitFor();
    // Still no way around it: leaving the texts goes back to the app, not out of the setup.
    expect(await page.getByRole('button', { name: 'Cancel' }).count()).toBe(0);
    const seen = await countTexts(server.baseUrl, phoneE164);
    await page.getByLabel('Country').selectOption('CH');
    await page.getByLabel('Phone number').fill('079 123 45 67');
    await page.getByRole('button', { name: 'Text me a code' }).click();
    await page.getByText('We texted a 6-digit code to', { exact: false }).waitFor();
    await page.getByLabel('Code from the text message').fill(await waitForTextedCode(server.baseUrl, phoneE164, seen));
    await page.getByRole('button', { name: 'Confirm number' }).click();

    await page.getByText('From now on you will be asked for a code texted to your phone when you sign in.').waitFor();
    await page.getByLabel('I have saved these codes').check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await page.getByRole('complementary', { name: 'Two-factor authentication required' }).count()).toBe(0);
  });

  it('no page broke the Content-Security-Policy', () => {
    const violations = [...admin.consoleErrors, ...teammate.consoleErrors].filter((message) => /Content Security Policy/i.test(message));
    expect(violations).toEqual([]);
  });
});
