// E1, E2, E5 end to end in Chromium against the real server and a real OpenID Connect provider
// (oidc-provider on 127.0.0.1, test/support/identity-provider.ts): an administrator connects the
// organization under Organization settings → Single sign-on and tests it; a new member types their
// address on the sign-in page, goes through the provider's own sign-in page and comes back signed in
// (created on first sign-in); the administrator of a routed domain can still use a password.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIdentityProvider, type TestIdentityProvider } from '../support/identity-provider.js';
import { launchBrowser, newPerson, type Person } from './support/browser.js';
import { signOut } from './support/pages.js';
import { startServer, type RunningServer } from './support/server.js';

const run = Date.now().toString(36);
const domain = `sso${run}.test`;
const administrator = { organization: 'Initech', name: 'Ada Admin', email: `ada@${domain}`, password: 'correct horse battery staple' };
const newcomer = { email: `nina@${domain}`, name: 'Nina Newcomer' };

/** Errors of the page's own code (answers such as 401 before signing in are logged by the browser too). */
function scriptErrors(person: Person): string[] {
  return person.consoleErrors.filter((message) => !message.startsWith('Failed to load resource'));
}

describe('Single sign-on in the browser', () => {
  let server: RunningServer;
  let idp: TestIdentityProvider;
  let browser: Browser;
  let admin: Person;
  let member: Person;

  beforeAll(async () => {
    server = await startServer();
    idp = await startIdentityProvider({ redirectUri: `${server.baseUrl}/api/v1/auth/sso/callback` });
    idp.addAccount({ email: newcomer.email, name: newcomer.name });
    browser = await launchBrowser();
    admin = await newPerson(browser, server.baseUrl);
    member = await newPerson(browser, server.baseUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await idp?.close();
    await server?.stop();
  });

  it('E1: the administrator connects the organization, claims its domain and tests the connection', async () => {
    const { page } = admin;
    await page.goto('/signup');
    await page.getByLabel('Organization name').fill(administrator.organization);
    await page.getByLabel('Your name').fill(administrator.name);
    await page.getByLabel('E-mail').fill(administrator.email);
    await page.getByLabel('Password', { exact: true }).fill(administrator.password);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.waitForURL('**/settings');

    await page.goto('/admin/settings');
    const section = page.getByRole('region', { name: 'Single sign-on' });
    await section.getByLabel('Issuer URL').fill(idp.issuer);
    await section.getByLabel('Client id').fill(idp.clientId);
    await section.getByLabel('Client secret').fill(idp.clientSecret);
    await section.getByLabel('E-mail domains').fill(domain);
    await section.getByLabel('Create members on first sign-in').check();
    await section.getByRole('button', { name: 'Save single sign-on' }).click();
    await section.getByText('The single-sign-on connection has been saved.').waitFor();
    // The secret is never shown again.
    expect(await section.getByLabel('Client secret').inputValue()).toBe('');
    await section.getByText(`${server.baseUrl}/api/v1/auth/sso/callback`).waitFor();

    await section.getByRole('button', { name: 'Test connection' }).click();
    await section.getByText(/Connection works\./).waitFor();
    expect(scriptErrors(admin)).toEqual([]);
    await signOut(page);
  });

  it('E2: a member types their address, signs in at the provider’s page and comes back signed in', async () => {
    const { page } = member;
    await page.goto('/login');
    await page.getByLabel('E-mail').fill(newcomer.email);
    await page.getByRole('button', { name: 'Continue with single sign-on' }).click();
    await page.waitForURL(`${idp.issuer}/**`);
    await page.getByRole('heading', { name: 'Test identity provider' }).waitFor();
    expect(await page.getByLabel('E-mail').inputValue()).toBe(newcomer.email);
    await page.getByRole('button', { name: 'Sign in at the provider' }).click();
    await page.waitForURL(`${server.baseUrl}/**`);
    await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
    const session = await page.request.get('/api/v1/session');
    expect(session.status()).toBe(200);
    expect((await session.json()).user).toMatchObject({ email: newcomer.email, name: newcomer.name, role: 'member' });
    expect(scriptErrors(member)).toEqual([]);
  });

  it('E5: the administrator of a routed domain can still sign in with the password', async () => {
    const { page } = admin;
    await page.goto('/login');
    await page.getByLabel('E-mail').fill(administrator.email);
    await page.getByRole('button', { name: 'Continue with single sign-on' }).waitFor();
    expect(await page.getByLabel('Password', { exact: true }).count()).toBe(0);
    await page.getByRole('button', { name: 'Use my password instead' }).click();
    await page.getByLabel('Password', { exact: true }).fill(administrator.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('button', { name: 'Sign out', exact: true }).waitFor();
  });

  it('P2/E3: the confirmation says single sign-on will be turned off, and the section then says it was', async () => {
    const { page } = admin;
    await page.goto('/admin/settings');
    await page.getByRole('switch', { name: 'Require two-factor authentication for everyone' }).click();
    const dialog = page.getByRole('dialog', { name: 'Require two-factor authentication?' });
    await dialog.getByText(/Single sign-on will be turned off, and administrators are e-mailed/).waitFor();
    await dialog.getByRole('button', { name: 'Require two-factor authentication' }).click();
    const confirmation = page.getByRole('dialog', { name: 'Confirm your password' });
    const required = page.getByText('Two-factor authentication is now required.', { exact: false });
    await confirmation.or(required).first().waitFor();
    if (await confirmation.isVisible()) {
      await confirmation.getByLabel('Password', { exact: true }).fill(administrator.password);
      await confirmation.getByRole('button', { name: 'Confirm' }).click();
      await required.waitFor();
    }
    await page.reload();
    const section = page.getByRole('region', { name: 'Single sign-on' });
    await section.getByText(/Single sign-on was turned off when two-factor authentication became required/).waitFor();
    expect(await section.getByLabel('Enabled').isChecked()).toBe(false);
  });
});
