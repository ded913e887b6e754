// Security keys and passkeys end to end in Chromium (W1–W4) against the real server, with
// Chromium's virtual authenticators over the DevTools protocol: registering a passkey and a
// security key on the Security page, signing in with each as the second step, a passkey sign-in
// without a password, a cloned key (same private key, lower counter) refused, and a passkey
// answer without user verification refused. WebAuthn needs a domain as relying party id, so the
// server's PUBLIC_URL and the pages use http://localhost (a secure context).
import type { Browser, CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPerson, type Person } from './support/browser.js';
import { readMailbox } from './support/mailbox.js';
import { delay, openSecuritySettings, signOut } from './support/pages.js';
import { startServer, type RunningServer } from './support/server.js';
import { createRoot } from '../support/attestation-certificates.js';

const run = Date.now().toString(36);
const account = { organization: 'Keyed', name: 'Ada Keys', email: `ada.${run}@keyed.test`, password: 'a long and careful passphrase' };

interface VirtualAuthenticator {
  cdp: CDPSession;
  authenticatorId: string;
}

async function addAuthenticator(page: Page, options: { transport: 'internal' | 'usb'; hasResidentKey: boolean; hasUserVerification: boolean }): Promise<VirtualAuthenticator> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', ctap2Version: 'ctap2_1', transport: options.transport, hasResidentKey: options.hasResidentKey, hasUserVerification: options.hasUserVerification, isUserVerified: options.hasUserVerification, automaticPresenceSimulation: true },
  });
  return { cdp, authenticatorId };
}

/**
 * With presence simulated, a virtual authenticator also answers the sign-in page's passkey
 * autofill (conditional mediation) at once: off while a test types a password.
 */
async function setPresence(authenticator: VirtualAuthenticator, enabled: boolean): Promise<void> {
  await authenticator.cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId: authenticator.authenticatorId, enabled });
}

/** The password step with the authenticator quiet, then the second step with it answering. */
async function passwordThenKey(page: Page, authenticator: VirtualAuthenticator): Promise<void> {
  await setPresence(authenticator, false);
  await signInWithPassword(page);
  await page.waitForURL(/\/login\/two-factor/);
  await setPresence(authenticator, true);
  await page.getByRole('button', { name: 'Use a recovery code' }).waitFor();
  await page.getByRole('button', { name: 'Use your security key or passkey' }).click();
}

/** The development mailbox answers only on the machine itself: read it on the listening address. */
async function verificationLink(server: RunningServer, to: string): Promise<string> {
  const local = server.baseUrl.replace('localhost', '127.0.0.1');
  for (let i = 0; i < 100; i++) {
    const message = (await readMailbox(local)).find((m) => m.to === to && /verify-email\?token=/.test(m.text));
    if (message) return /(http:\/\/\S+\/verify-email\?token=[A-Za-z0-9_-]+)/.exec(message.text)![1]!;
    await delay(100);
  }
  throw new Error('No verification e-mail arrived.');
}

async function signInWithPassword(page: Page): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('E-mail').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

async function addCredentialOnSecurityPage(page: Page, button: 'Add passkey' | 'Add security key', name: string): Promise<void> {
  await openSecuritySettings(page);
  await page.getByRole('button', { name: button }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Continue' }).click();
}

describe('Security keys and passkeys in the browser (W1–W4)', () => {
  let server: RunningServer;
  let browser: Browser;
  let person: Person;
  let passkey: VirtualAuthenticator;

  beforeAll(async () => {
    server = await startServer({ publicHost: 'localhost' });
    browser = await launchBrowser();
    person = await newPerson(browser, server.baseUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('W1 W4: registers a passkey as the first factor, with recovery codes', async () => {
    const { page } = person;
    passkey = await addAuthenticator(page, { transport: 'internal', hasResidentKey: true, hasUserVerification: true });
    await page.goto('/signup');
    await page.getByLabel('Organization name').fill(account.organization);
    await page.getByLabel('Your name').fill(account.name);
    await page.getByLabel('E-mail').fill(account.email);
    await page.getByLabel('Password', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.waitForURL('**/settings');
    await page.goto(await verificationLink(server, account.email));
    await page.getByText(/verified/i).first().waitFor();

    await addCredentialOnSecurityPage(page, 'Add passkey', 'Laptop passkey');
    await page.getByRole('list', { name: 'Recovery codes' }).waitFor();
    await page.getByLabel('I have saved these codes').check();
    await page.getByRole('button', { name: 'Finish' }).click();
    const list = page.getByRole('list', { name: 'Your security keys and passkeys' });
    await list.getByText('Laptop passkey').waitFor();
    expect(await list.textContent()).toContain('Passkey');
    const { credentials } = await passkey.cdp.send('WebAuthn.getCredentials', { authenticatorId: passkey.authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
  });

  it('W2: the second step offers the key first and signs in with it', async () => {
    const { page } = person;
    await setPresence(passkey, false);
    await signOut(page);
    await passwordThenKey(page, passkey);
    await page.waitForURL('**/settings');
  });

  it('W3: signs in with the passkey alone from the sign-in page (the browser’s passkey autofill, and the button)', async () => {
    const { page } = person;
    // The autofill (conditional mediation): the authenticator answers as soon as the page asks.
    await setPresence(passkey, true);
    await signOut(page);
    await page.waitForURL('**/settings');
    expect(await page.getByRole('button', { name: 'Sign out', exact: true }).isVisible()).toBe(true);
    // The button, in a browser without passkey autofill (a request waiting in the autofill would
    // otherwise race the button's own for the authenticator's answer).
    await page.addInitScript('PublicKeyCredential.isConditionalMediationAvailable = async () => false;');
    await setPresence(passkey, false);
    await signOut(page);
    await page.reload();
    expect(await page.getByLabel('E-mail').getAttribute('autocomplete')).toBe('username webauthn');
    await setPresence(passkey, true);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL('**/settings');
  });

  it('W3 W4: a passkey answer without user verification is refused', async () => {
    const { page } = person;
    await setPresence(passkey, false);
    await signOut(page);
    await passkey.cdp.send('WebAuthn.setResponseOverrideBits', { authenticatorId: passkey.authenticatorId, isBadUV: true });
    await page.reload();
    await setPresence(passkey, true);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('alert').filter({ hasText: 'could not be verified' }).waitFor();
    expect(page.url()).toMatch(/\/login/);
    await passkey.cdp.send('WebAuthn.setResponseOverrideBits', { authenticatorId: passkey.authenticatorId, isBadUV: false });
  });

  it('W2: a cloned key (the same private key with a lower counter) is refused', async () => {
    const { credentials } = await passkey.cdp.send('WebAuthn.getCredentials', { authenticatorId: passkey.authenticatorId });
    const original = credentials[0]!;
    expect(original.signCount).toBeGreaterThan(1);
    const thief = await newPerson(browser, server.baseUrl);
    const clone = await addAuthenticator(thief.page, { transport: 'internal', hasResidentKey: true, hasUserVerification: true });
    await clone.cdp.send('WebAuthn.addCredential', { authenticatorId: clone.authenticatorId, credential: { ...original, signCount: 1 } });
    await passwordThenKey(thief.page, clone);
    await thief.page.getByRole('alert').filter({ hasText: 'could not be verified' }).waitFor();
    expect(thief.page.url()).toMatch(/\/login\/two-factor/);
    await thief.context.close();
  });

  it('W1 W4: registers a security key and signs in with it', async () => {
    const { page } = person;
    await page.goto('/login');
    await setPresence(passkey, true);
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL('**/settings');
    await passkey.cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: passkey.authenticatorId });
    const usbKey = await addAuthenticator(page, { transport: 'usb', hasResidentKey: false, hasUserVerification: false });
    await addCredentialOnSecurityPage(page, 'Add security key', 'USB key');
    const list = page.getByRole('list', { name: 'Your security keys and passkeys' });
    await list.getByText('USB key').waitFor();
    expect(await list.getByRole('listitem').count()).toBe(2);
    expect((await usbKey.cdp.send('WebAuthn.getCredentials', { authenticatorId: usbKey.authenticatorId })).credentials).toHaveLength(1);

    await setPresence(usbKey, false);
    await signOut(page);
    await passwordThenKey(page, usbKey);
    await page.waitForURL('**/settings');

    // W1 D1: the passkey (its authenticator gone) is removed; a wrong code is refused first, then
    // the USB key confirms.
    await openSecuritySettings(page);
    await page.getByRole('button', { name: 'Remove Laptop passkey' }).click();
    const dialog = page.getByRole('dialog', { name: 'Remove “Laptop passkey”?' });
    await dialog.getByLabel('Current code').fill('000000');
    await dialog.getByRole('button', { name: 'Remove', exact: true }).click();
    await dialog.getByText('That code is not correct.').first().waitFor();
    await setPresence(usbKey, true);
    await dialog.getByRole('button', { name: 'Confirm with a security key or passkey' }).click();
    await page.getByText('“Laptop passkey” was removed.').waitFor();
    expect(await list.getByRole('listitem').count()).toBe(1);
    await list.getByText('USB key').waitFor();
    expect(person.consoleErrors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
  });

  it('W5: the administrator allows one model with its attestation root, and stops counting authenticator apps; the Security page then does not offer one', async () => {
    const { page } = person;
    const root = await createRoot();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Organization' }).click();
    await page.getByRole('heading', { level: 1, name: 'Organization settings' }).waitFor();
    const section = page.getByRole('region', { name: 'Sign-in methods' });
    await section.getByText('Any model of security key or passkey may be registered.').waitFor();
    await section.getByRole('button', { name: 'Add a model' }).click();
    await section.getByLabel('Model 1: AAGUID').fill('0F0E0D0C-0B0A-0908-0706-050403020100');
    // Without its root the form says what is missing.
    await section.getByRole('button', { name: 'Save sign-in methods' }).click();
    await section.getByText('Model 1: paste its attestation root certificate (PEM).').waitFor();
    await section.getByLabel('Model 1: attestation root certificates').fill(root.pem);
    await section.getByLabel('Authenticator app').uncheck();
    await section.getByRole('button', { name: 'Save sign-in methods' }).click();
    await section.getByText('The sign-in methods have been saved.').waitFor();
    const saved = section.getByRole('list', { name: 'Saved root certificates of model 1' });
    expect(await saved.textContent()).toContain('CN=Test Vendor Root');
    expect(await section.getByLabel('Model 1: AAGUID').inputValue()).toBe('0f0e0d0c-0b0a-0908-0706-050403020100');
    // After a reload the model and its root are read back.
    await page.reload();
    expect(await page.getByRole('list', { name: 'Saved root certificates of model 1' }).textContent()).toContain('valid until');

    await openSecuritySettings(page);
    const app = page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 4, name: 'Authenticator app' }) });
    await app.getByText('Not allowed by your organization').waitFor();
    expect(await app.textContent()).toContain('does not allow authenticator apps');
    expect(await page.getByRole('button', { name: /Set up an authenticator app|Turn on two-factor authentication/ }).count()).toBe(0);
  });
});
