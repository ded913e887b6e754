// Issue 17: the web interface as a new administrator meets it, in Chromium at 1280 × 800 and
// 390 × 844. Readable tables (no word split in two), the audit log as sentences with names, the
// second step (focus, the sixth digit sends, a code just used, what to do when all is lost), the
// nudge to protect one's own account, the header and its menu, the small truths (already verified,
// an invitation opened while signed in as someone else), and axe-core on every main page at both
// sizes, failing on any violation of impact moderate or worse.
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Authenticator } from './support/authenticator.js';
import { launchBrowser, newPerson, type Person } from './support/browser.js';
import { waitForLink } from './support/mailbox.js';
import { delay, horizontalOverflowInPixels, readRecoveryCodes, signOut } from './support/pages.js';
import { startServer, type RunningServer } from './support/server.js';

interface Account {
  name: string;
  email: string;
  password: string;
}

const run = Date.now().toString(36);
const organizationName = 'Interoperability Consolidated';
// Long, hyphenated names and addresses: what broke mid-word before.
const administrator: Account = {
  name: 'Alexandria Montgomery-Fitzgerald',
  email: `alexandria.montgomery-fitzgerald.${run}@interoperability-consolidated.test`,
  password: 'a very careful administrator',
};
const member: Account = {
  name: 'Bartholomew Featherstonehaugh-Smythe',
  email: `bartholomew.featherstonehaugh.${run}@interoperability-consolidated.test`,
  password: 'member passphrase 42',
};
const desktop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };
const groupedKeyPattern = /^[A-Z2-7]{4}( [A-Z2-7]{4})+$/;

// Runs in the page (tests have no DOM types): for each word (a run without spaces) of each matching
// element, the distinct line tops of its text boxes; more than one means it was split over lines.
// An e-mail address may break just before its @, so its two halves count as words of their own.
const splitWordsScript = `(selector) => {
  const problems = [];
  for (const cell of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      for (const match of text.matchAll(/[^\\s@]+|@[^\\s@]*/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set(Array.from(range.getClientRects()).filter((rect) => rect.width > 0).map((rect) => Math.round(rect.top)));
        if (tops.size > 1) problems.push('split: ' + match[0]);
      }
    }
    if (cell.scrollWidth > cell.clientWidth + 1) problems.push('overflows its cell: ' + cell.textContent);
  }
  return problems;
}`;

/** Words in these elements whose text lies on more than one line, and cells whose content overflows. */
async function splitWords(page: Page, selector: string): Promise<string[]> {
  return page.evaluate<string[]>(`(${splitWordsScript})(${JSON.stringify(selector)})`);
}

/** Runs axe-core on the page; the violations of impact moderate, serious or critical, described. */
async function axeViolations(page: Page, label: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  if (process.env.TESSERA_E2E_AXE_LOG) console.log(label, results.passes.length, 'passes;', results.violations.map((v) => `${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('; '));
  // Moderate or worse fails; so does an empty table header (minor in axe, but named in issue 17 item 1).
  return results.violations
    .filter((violation) => violation.impact === 'moderate' || violation.impact === 'serious' || violation.impact === 'critical' || violation.id === 'empty-table-header')
    .map((violation) => `${label}: ${violation.id} (${violation.impact}) ${violation.help} — ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

async function openPage(page: Page, path: string): Promise<void> {
  await page.goto(path);
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  await page.waitForLoadState('networkidle');
}

async function signIn(page: Page, account: Account): Promise<void> {
  await page.getByLabel('E-mail').fill(account.email);
  await page.getByLabel('Password', { exact: true }).fill(account.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** A5: confirms the password if the app asks for it on the way to `done`. */
async function confirmPasswordIfAsked(page: Page, password: string, done: ReturnType<Page['getByText']>): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Confirm your password' });
  await dialog.or(done).first().waitFor();
  if (await dialog.isVisible()) {
    await dialog.getByLabel('Password', { exact: true }).fill(password);
    await dialog.getByRole('button', { name: 'Confirm' }).click();
  }
  await done.waitFor();
}

describe('The interface as a new administrator meets it (issue 17)', () => {
  let server: RunningServer;
  let browser: Browser;
  let admin: Person;
  let teammate: Person;
  let authenticator: Authenticator;
  let recoveryCodes: string[] = [];
  let memberPath = '';

  beforeAll(async () => {
    server = await startServer();
    browser = await launchBrowser();
    admin = await newPerson(browser, server.baseUrl);
    teammate = await newPerson(browser, server.baseUrl);
    await admin.page.setViewportSize(desktop);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('item 4, item 8: after sign-up and verification the administrator is asked to turn on 2FA; the link opened again says already verified', async () => {
    const { page } = admin;
    await page.goto('/signup');
    await page.getByLabel('Organization name').fill(organizationName);
    await page.getByLabel('Your name').fill(administrator.name);
    await page.getByLabel('E-mail').fill(administrator.email);
    await page.getByLabel('Password', { exact: true }).fill(administrator.password);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.waitForURL('**/settings');

    const link = await waitForLink(server.baseUrl, administrator.email, '/verify-email');
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'E-mail address verified' }).waitFor();
    await page.goto(link);
    await page.getByRole('heading', { level: 1, name: 'E-mail address already verified' }).waitFor();

    await openPage(page, '/admin/overview');
    const checklist = page.getByRole('region', { name: 'Getting started' });
    await checklist.getByText('Turn on two-factor authentication for your own account (to do)').waitFor();
    await checklist.getByText('Verify your e-mail address (done)').waitFor();
    const nudge = page.getByRole('complementary', { name: 'Protect your account' });
    await nudge.getByText('Protect your administrator account.').waitFor();
    await nudge.getByRole('link', { name: 'Turn on two-factor authentication' }).click();
    await page.waitForURL('**/settings?tab=security');

    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await confirmPasswordIfAsked(page, administrator.password, page.getByText('Can’t scan it? Type the key instead'));
    await page.getByText('Can’t scan it? Type the key instead').click();
    authenticator = Authenticator.fromGroupedKey(((await page.getByText(groupedKeyPattern).textContent()) ?? '').trim());
    await page.getByLabel('Code from the app').fill(await authenticator.nextCode());
    await page.getByRole('button', { name: 'Turn on', exact: true }).click();
    recoveryCodes = await readRecoveryCodes(page);
    expect(recoveryCodes).toHaveLength(8);
    await page.getByLabel('I have saved these codes').check();
    await page.getByRole('button', { name: 'Finish' }).click();
    await page.getByText('Two-factor authentication is on.', { exact: false }).waitFor();

    // Once it is on, the call is gone.
    await openPage(page, '/admin/overview');
    await checklist.getByText('Turn on two-factor authentication for your own account (done)').waitFor();
    await delay(300);
    expect(await page.getByRole('complementary', { name: 'Protect your account' }).count()).toBe(0);
  });

  it('item 3: the cursor waits in the e-mail field, then in the code field; the page names the account; the sixth digit sends the code', async () => {
    const { page } = admin;
    await signOut(page);
    await page.getByRole('heading', { level: 1, name: 'Sign in to Tessera' }).waitFor();
    expect(await page.evaluate('document.activeElement?.getAttribute("name")')).toBe('email');
    await signIn(page, administrator);
    await page.waitForURL(/\/login\/two-factor/);
    const codeField = page.getByLabel('Code from the app');
    await codeField.waitFor();
    expect(await page.evaluate('document.activeElement?.getAttribute("name")')).toBe('code');
    await page.getByText(`Signing in as ${administrator.email}`).waitFor();

    // Typed key by key, as a person would: nothing is sent before the sixth digit, which sends it.
    const code = await authenticator.nextCode();
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.url().endsWith('/api/v1/auth/two-factor')) sent.push(request.url());
    });
    await page.keyboard.type(code.slice(0, 5), { delay: 30 });
    await delay(300);
    expect(sent).toHaveLength(0);
    await page.keyboard.type(code.slice(5));
    await page.waitForURL('**/settings');
    expect(sent).toHaveLength(1);

    // T5: the same code again (a second sign-in within its 30 seconds) is "just used", not "not correct".
    await signOut(page);
    await signIn(page, administrator);
    await page.waitForURL(/\/login\/two-factor/);
    await codeField.fill(code);
    await page.getByText('This code was just used — wait for the next one.').waitFor();
    expect(await codeField.getAttribute('aria-invalid')).toBe('true');

    // The recovery view never sends by itself, and says what to do when everything is lost.
    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    const recoveryField = page.getByLabel('Recovery code');
    await page.getByText('ask an administrator of your organization to reset two-factor authentication', { exact: false }).waitFor();
    const sentBefore = sent.length;
    await recoveryField.fill(recoveryCodes[0]!.replace('-', '').slice(0, 6));
    await delay(400);
    expect(sent).toHaveLength(sentBefore);

    await page.getByRole('button', { name: 'Use your authenticator app' }).click();
    await page.getByLabel('Code from the app').fill(await authenticator.nextCode());
    await page.waitForURL('**/settings');
  });

  it('A6: a teammate is invited, accepts, and has two-factor authentication required of them', async () => {
    const { page } = admin;
    await openPage(page, '/admin/users');
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite a teammate' });
    await dialog.getByLabel('Name').fill(member.name);
    await dialog.getByLabel('E-mail').fill(member.email);
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await confirmPasswordIfAsked(page, administrator.password, page.getByText(`Invitation sent to ${member.email}.`));

    const other = teammate.page;
    await other.setViewportSize(desktop);
    await other.goto(await waitForLink(server.baseUrl, member.email, '/accept-invitation'));
    await other.getByLabel('Password', { exact: true }).fill(member.password);
    await other.getByRole('button', { name: 'Accept invitation' }).click();
    await other.waitForURL('**/settings');

    await openPage(page, '/admin/users');
    await page.getByRole('table', { name: 'Users' }).getByRole('link', { name: member.name }).click();
    await page.getByRole('heading', { level: 1, name: member.name }).waitFor();
    memberPath = new URL(page.url()).pathname;
    await page.getByRole('button', { name: `Edit ${member.name}` }).click();
    const edit = page.getByRole('dialog', { name: `Edit ${member.name}` });
    await edit.getByLabel('Required', { exact: true }).check();
    await edit.getByRole('button', { name: 'Save' }).click();
    const confirm = page.getByRole('dialog', { name: 'Confirm the changes' });
    await confirm.getByRole('button', { name: 'Confirm' }).click();
    await confirmPasswordIfAsked(page, administrator.password, page.getByText(`Saved the changes for ${member.name}.`));
    await page.getByText('Yes (this member)').waitFor();
  });

  it('items 1, 9: at 1280 px no word of the users grid or the audit log is split; the audit log reads as sentences with names and time zones', async () => {
    const { page } = admin;
    await page.setViewportSize(desktop);
    await openPage(page, '/admin/users');
    const users = page.getByRole('table', { name: 'Users' });
    await users.getByRole('cell', { name: member.email, exact: true }).waitFor();
    expect(await splitWords(page, 'table.data-table th, table.data-table td')).toEqual([]);

    await openPage(page, '/admin/audit');
    const events = page.getByRole('table', { name: 'Security events, newest first' });
    await events.getByText(`${administrator.name} required two-factor authentication for ${member.name}.`).waitFor();
    expect(await splitWords(page, 'table.data-table th, table.data-table td')).toEqual([]);
    const text = (await events.textContent()) ?? '';
    for (const sentence of [
      `${administrator.name} signed in with an authenticator app.`,
      `Someone signing in as ${administrator.name} entered an authenticator code that had just been used.`,
      `${administrator.name} invited ${member.name} (${member.email}) as Member.`,
      `${member.name} accepted their invitation and joined as Member.`,
      `${administrator.name} turned on two-factor authentication with an authenticator app.`,
      `${administrator.name} created the organization “${organizationName}”.`,
    ]) {
      expect(text, sentence).toContain(sentence);
    }
    // No raw keys, no nameless actors.
    expect(text).not.toMatch(/invitationId|from: |to: |Not signed in|The member/);
    // Times carry their zone, and the exact moment on hover.
    const time = events.locator('time').first();
    expect((await time.textContent()) ?? '').toMatch(/UTC|GMT|[A-Z]{3,4}$/);
    expect((await time.getAttribute('title')) ?? '').toMatch(/\d{2}:\d{2}:\d{2}/);

    await openPage(page, memberPath);
    expect(await splitWords(page, 'table.data-table th, table.data-table td')).toEqual([]);
  });

  it('item 7: the header is one row at 1280 px; at 390 px the links fold behind a Menu button', async () => {
    const { page } = admin;
    await page.setViewportSize(desktop);
    await openPage(page, '/admin/users');
    const tops = await page.evaluate<number[]>(
      `Array.from(document.querySelectorAll('header a, header button')).filter((item) => item.offsetParent !== null).map((item) => { const box = item.getBoundingClientRect(); return Math.round(box.top + box.height / 2); })`,
    );
    expect(tops.length).toBeGreaterThan(5);
    expect(Math.max(...tops) - Math.min(...tops), 'all header items on one row').toBeLessThanOrEqual(8);
    expect(await page.getByRole('button', { name: 'Menu', exact: true }).isVisible()).toBe(false);

    await page.setViewportSize(phone);
    const menu = page.getByRole('button', { name: 'Menu', exact: true });
    await menu.waitFor();
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    const auditLink = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' });
    expect(await auditLink.isVisible()).toBe(false);
    await menu.click();
    expect(await menu.getAttribute('aria-expanded')).toBe('true');
    await auditLink.click();
    await page.getByRole('heading', { level: 1, name: 'Audit log' }).waitFor();
    expect(await menu.getAttribute('aria-expanded')).toBe('false');
    expect(await horizontalOverflowInPixels(page)).toBeLessThanOrEqual(0);
    await page.setViewportSize(desktop);
  });

  it('item 9: axe-core finds no violation of impact moderate or worse on any main page at 1280 × 800 and 390 × 844', async () => {
    const { page } = admin;
    const signedInPaths = [
      '/settings',
      '/settings?tab=security',
      '/settings?tab=sessions',
      '/admin/overview',
      '/admin/users',
      memberPath,
      '/admin/audit',
      '/admin/api-keys',
      '/admin/applications',
      '/admin/settings',
    ];
    const visitor = await newPerson(browser, server.baseUrl);
    const signedOutPaths = ['/login', '/signup', '/forgot-password'];
    const violations: string[] = [];
    try {
      for (const size of [desktop, phone]) {
        await page.setViewportSize(size);
        await visitor.page.setViewportSize(size);
        for (const path of signedInPaths) {
          await openPage(page, path);
          violations.push(...(await axeViolations(page, `${path} at ${size.width}`)));
        }
        if (size === phone) {
          // The folded menu, open.
          await page.getByRole('button', { name: 'Menu', exact: true }).click();
          violations.push(...(await axeViolations(page, `open menu at ${size.width}`)));
        }
        for (const path of signedOutPaths) {
          await openPage(visitor.page, path);
          violations.push(...(await axeViolations(visitor.page, `${path} at ${size.width}`)));
        }
        // The second step, and its recovery view.
        await openPage(visitor.page, '/login');
        await signIn(visitor.page, administrator);
        await visitor.page.waitForURL(/\/login\/two-factor/);
        await visitor.page.getByLabel('Code from the app').waitFor();
        violations.push(...(await axeViolations(visitor.page, `/login/two-factor at ${size.width}`)));
        await visitor.page.getByRole('button', { name: 'Use a recovery code' }).click();
        violations.push(...(await axeViolations(visitor.page, `/login/two-factor (recovery code) at ${size.width}`)));
        await visitor.page.getByRole('link', { name: 'Sign in with a different account' }).click();
        await visitor.page.waitForURL(/\/login(\?|$)/);
      }
    } finally {
      await visitor.context.close();
      await page.setViewportSize(desktop);
    }
    expect(violations).toEqual([]);
  });

  it('item 8: an invitation opened while signed in as someone else says who is signed in and offers to sign out first', async () => {
    const { page } = admin;
    const invitee = `carol.${run}@interoperability-consolidated.test`;
    await openPage(page, '/admin/users');
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Invite a teammate' });
    await dialog.getByLabel('Name').fill('Carol Cole');
    await dialog.getByLabel('E-mail').fill(invitee);
    await dialog.getByRole('button', { name: 'Send invitation' }).click();
    await confirmPasswordIfAsked(page, administrator.password, page.getByText(`Invitation sent to ${invitee}.`));

    await page.goto(await waitForLink(server.baseUrl, invitee, '/accept-invitation'));
    await page.getByText(`You are signed in as ${administrator.name} (${administrator.email}). This invitation is for ${invitee}.`).waitFor();
    await page.getByRole('button', { name: `Sign out ${administrator.name}` }).click();
    await page.getByText('You are signed in as').waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Accept invitation' }).waitFor();
    expect(admin.consoleErrors.filter((message) => /Content Security Policy/i.test(message))).toEqual([]);
  });
});
