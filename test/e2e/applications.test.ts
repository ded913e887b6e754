// O1, O3, O4, O8 end to end in Chromium against the real server: an administrator registers an
// application on the Applications page and copies its credentials; openid-client (in the test)
// sends the browser to Tessera, which signs the member in with password and authenticator code on
// its own pages and returns to the application with a code; the tokens say who and how. A second
// authorization goes straight back; the reverse-proxy check answers for the same session.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator } from './support/authenticator.js';
import { launchBrowser, newPerson, type Person } from './support/browser.js';
import { waitForLink } from './support/mailbox.js';
import { signOut } from './support/pages.js';
import { startServer, type RunningServer } from './support/server.js';

const run = Date.now().toString(36);
const admin = { organization: 'Initech', name: 'Peter Gibbons', email: `peter.${run}@initech.test`, password: 'a case of the mondays' };

describe('Signing in to an application through Tessera (O1, O3, O4, O8)', () => {
  let server: RunningServer;
  let browser: Browser;
  let person: Person;
  let authenticator: Authenticator;
  let credentials: { clientId: string; clientSecret: string };
  // The application's callback: a page of its own on a loopback port (http:// is allowed there).
  let application: Server;
  let callback: string;

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    person = await newPerson(browser, server.baseUrl);
    application = createServer((_request, response) => response.end('the application'));
    await new Promise<void>((resolve) => application.listen(0, '127.0.0.1', resolve));
    callback = `http://127.0.0.1:${(application.address() as AddressInfo).port}/callback`;
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await new Promise((resolve) => application?.close(resolve));
  });

  it('O1: an administrator registers an application and copies its client ID and secret (shown once)', async () => {
    const { page } = person;
    await page.goto('/signup');
    await page.getByLabel('Organization name').fill(admin.organization);
    await page.getByLabel('Your name').fill(admin.name);
    await page.getByLabel('E-mail').fill(admin.email);
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.waitForURL('**/settings');
    await page.goto(await waitForLink(server.baseUrl, admin.email, '/verify-email'));
    await page.getByRole('heading', { level: 1, name: 'E-mail address verified' }).waitFor();

    // The authenticator through the API with the page's own cookies (the UI has its own tests).
    const started = await person.context.request.post('/api/v1/me/two-factor/totp', { data: {} });
    expect(started.status()).toBe(201);
    authenticator = Authenticator.fromGroupedKey(((await started.json()) as { secret: string }).secret);
    const confirmed = await person.context.request.post('/api/v1/me/two-factor/totp/confirm', { data: { code: await authenticator.nextCode() } });
    expect(confirmed.status()).toBe(200);

    await page.goto('/admin/applications');
    await page.getByRole('heading', { level: 1, name: 'Applications' }).waitFor();
    await page.getByText('No applications yet.').waitFor();
    await page.getByRole('button', { name: 'Register application' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Expense reports');
    await dialog.getByLabel('Redirect URIs').fill('http://wiki.example.com/callback');
    await dialog.getByRole('button', { name: 'Register' }).click();
    await dialog.getByText('must start with https://').first().waitFor();
    await dialog.getByLabel('Redirect URIs').fill(callback);
    await dialog.getByRole('button', { name: 'Register' }).click();

    await page.getByText('This is the only time the client secret is shown.').waitFor();
    credentials = { clientId: await page.getByLabel('Client ID').inputValue(), clientSecret: await page.getByLabel('Client secret').inputValue() };
    expect(credentials.clientSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await page.getByLabel('I have copied the secret').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await page.getByRole('cell', { name: credentials.clientId }).waitFor();
    await signOut(page);
  });

  it('O3, O4: the application sends the browser to Tessera’s sign-in (password, then the code) and gets tokens that say who and how', async () => {
    const { page } = person;
    const config = await client.discovery(new URL(server.baseUrl), credentials.clientId, credentials.clientSecret, client.ClientSecretBasic(credentials.clientSecret), { execute: [client.allowInsecureRequests] });
    const authorize = async () => {
      const verifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const url = client.buildAuthorizationUrl(config, { redirect_uri: callback, scope: 'openid email profile', code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state });
      return { url, verifier, state };
    };

    const first = await authorize();
    await page.goto(first.url.href);
    await page.waitForURL(/\/login\?interaction=/);
    await page.getByText('Sign in to continue to the application.').waitFor();
    await page.getByLabel('E-mail').fill(admin.email);
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(/\/login\/two-factor/);
    // The sixth digit sends the code (issue 17 item 3).
    await page.getByLabel('Code from the app').fill(await authenticator.nextCode());
    await page.waitForURL((url) => url.href.startsWith(`${callback}?`));

    const tokens = await client.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: first.verifier, expectedState: first.state });
    expect(tokens.claims()).toMatchObject({ email: admin.email, name: admin.name, org_name: admin.organization, role: 'admin', amr: ['pwd', 'otp', 'mfa'], acr: 'urn:tessera:acr:mfa' });

    // Signed in to Tessera now: the next authorization goes straight back, without a page.
    const second = await authorize();
    await page.goto(second.url.href);
    await page.waitForURL((url) => url.href.startsWith(`${callback}?`));
    const again = await client.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: second.verifier, expectedState: second.state });
    expect(again.claims()!.sub).toBe(tokens.claims()!.sub);

    // O8: the reverse-proxy check sees the same session.
    const verified = await person.context.request.get('/api/v1/auth/verify');
    expect(verified.status()).toBe(200);
    expect(verified.headers()['x-tessera-email']).toBe(admin.email);
    expect(verified.headers()['x-tessera-amr']).toBe('pwd otp mfa');
    expect(person.consoleErrors.filter((message) => /Content Security Policy/i.test(message))).toEqual([]);
  });
});
