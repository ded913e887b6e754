// N5 (issue 15): several server keys, newest first; `tessera keys rotate` re-seals every sealed
// value under the newest key while the servers keep serving; afterwards the old key is removed and
// everyone still signs in (authenticator, recovery code, texted code; OIDC signing keys load).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../src/cli/main.js';
import { loadSigningKeys } from '../../src/oidc/signing-keys.js';
import { rotateServerKey } from '../../src/services/key-rotation.js';
import { keyIdOf } from '../../src/security/secret-box.js';
import { Browser, enrolTotp, expectProblem, memberWithTwoFactor, nextStep, signUpMember, startChallenge, totpCode, type Member } from '../support/two-factor.js';
import { createTestApp, publicUrl, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';

const keyA = randomBytes(32).toString('base64');
const keyB = randomBytes(32).toString('base64');
const idOf = (key: string) => keyIdOf(Buffer.from(key, 'base64'));

function lastCode(t: TestApp, to: string): string {
  const text = t.texts().find((m) => m.to === to);
  if (!text) throw new Error(`no text to ${to}`);
  return /^(\d{6,7}) /.exec(text.body)![1]!;
}

async function signInWith(t: TestApp, email: string, code: string) {
  const browser = await startChallenge(t.app, email);
  return browser.submitCode(code);
}

async function signInByText(t: TestApp, email: string, e164: string) {
  const browser = await startChallenge(t.app, email);
  const sent = await browser.post('/api/v1/auth/two-factor/sms');
  expect(sent.statusCode, sent.body).toBe(202);
  return browser.submitCode(lastCode(t, e164));
}

async function sealedValues(t: TestApp): Promise<string[]> {
  const db = t.context.db;
  return [
    ...(await db.selectFrom('totpCredentials').select('secretSealed as v').execute()),
    ...(await db.selectFrom('recoveryCodes').select('codeSealed as v').execute()),
    ...(await db.selectFrom('smsNumbers').select('phoneSealed as v').execute()),
    ...(await db.selectFrom('oidcSigningKeys').select('keySealed as v').execute()),
  ].map((row) => row.v);
}

async function cli(t: TestApp, keys: string) {
  const output = { stdout: '', stderr: '' };
  const env = { DATABASE_URL: t.database.url, TESSERA_SECRET_KEY: keys, PUBLIC_URL: publicUrl, NODE_ENV: 'test' };
  const io: CliIo = { env, readStdin: async () => '', stdout: (text) => void (output.stdout += text), stderr: (text) => void (output.stderr += text) };
  return { code: await runCli(['keys', 'rotate'], io), ...output };
}

describe(`server key rotation on ${testDatabaseKind}`, () => {
  let a: TestApp;
  const phone = '+41791234567';
  let totpMember: Member & { secret: string; recoveryCodes: string[] };
  let textMember: Member;
  let oidcKid: string;
  const opened: TestApp[] = [];
  async function instance(keys: string[]): Promise<TestApp> {
    const app = await createTestApp({}, { database: a.database, secretKeys: keys, clock: a.clock });
    opened.push(app);
    return app;
  }

  beforeAll(async () => {
    a = await createTestApp({}, { secretKeys: [keyA] });
    totpMember = await memberWithTwoFactor(a, { email: 'totp@keys.example' });
    textMember = await signUpMember(a, { email: 'text@keys.example' });
    expect((await textMember.browser.post('/api/v1/me/two-factor/sms', { phoneNumber: phone })).statusCode).toBe(201);
    expect((await textMember.browser.post('/api/v1/me/two-factor/sms/confirm', { code: lastCode(a, phone) })).statusCode).toBe(200);
    oidcKid = (await loadSigningKeys(a.context, a.clock.now().getTime()))[0]!.kid;
    a.clock.advance(60_000);
    for (const value of await sealedValues(a)) expect(value.startsWith(`v1.${idOf(keyA)}.`)).toBe(true);
  });
  afterAll(async () => {
    for (const app of opened) await app.close();
    await a.close();
  });

  it('N5 with only the new key, before rotation, the old values cannot be opened (the test is real)', async () => {
    const onlyB = await instance([keyB]);
    const sealed = (await onlyB.context.db.selectFrom('totpCredentials').select('secretSealed').where('userId', '=', totpMember.userId).executeTakeFirstOrThrow()).secretSealed;
    expect(() => onlyB.context.secretBox.open(sealed)).toThrow();
    expectProblem(await signInWith(onlyB, totpMember.email, totpMember.recoveryCodes[7]!), 400, 'invalid_code');
  });

  it('N5 keys "B,A": everyone signs in, new values are sealed under B, `keys rotate` re-seals the rest, then B alone serves everyone', async () => {
    const both = await instance([keyB, keyA]);
    // Old values open, old hashes are found.
    expect((await signInWith(both, totpMember.email, totpCode(both, totpMember.secret))).statusCode).toBe(200);
    nextStep(both);
    expect((await signInWith(both, totpMember.email, totpMember.recoveryCodes[0]!)).statusCode).toBe(200);
    expect((await signInByText(both, textMember.email, phone)).statusCode).toBe(200);
    both.clock.advance(60_000);

    // New values are sealed (and hashed) under B.
    const newcomer = await signUpMember(both, { email: 'new@keys.example' });
    const enrolment = await enrolTotp(both, newcomer.browser);
    nextStep(both);
    const newSecret = (await both.context.db.selectFrom('totpCredentials').select('secretSealed').where('userId', '=', newcomer.userId).executeTakeFirstOrThrow()).secretSealed;
    expect(newSecret.startsWith(`v1.${idOf(keyB)}.`)).toBe(true);

    const report = await rotateServerKey(both.context, { batchSize: 3 });
    const counts = Object.fromEntries(report.tables.map((t) => [t.table, t.resealed]));
    expect(counts).toEqual({
      'authenticator secrets': 1,
      'authenticator enrolments': 0,
      'recovery codes': 16, // both members' eight (the used one stays, used)
      'phone numbers': 1,
      'phone enrolments': 0,
      'OpenID Connect signing keys': 1,
      'single-sign-on client secrets': 0,
    });
    expect(report).toMatchObject({ keyId: idOf(keyB), complete: true, applicationSecrets: 0 });
    for (const value of await sealedValues(both)) expect(value.startsWith(`v1.${idOf(keyB)}.`)).toBe(true);

    // A second run changes nothing, and says the old key can go.
    const again = await cli(both, `${keyB},${keyA}`);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/recovery codes\s+0\s+0\s+0\s+0/);
    expect(again.stdout).toContain('Nothing is sealed under an older key any more');

    // B alone: everyone still signs in, OIDC signing keys still load.
    const onlyB = await instance([keyB]);
    expect((await signInWith(onlyB, totpMember.email, totpCode(onlyB, totpMember.secret))).statusCode).toBe(200);
    nextStep(onlyB);
    expect((await signInWith(onlyB, totpMember.email, totpMember.recoveryCodes[1]!)).statusCode).toBe(200);
    expectProblem(await signInWith(onlyB, totpMember.email, totpMember.recoveryCodes[0]!), 400, 'invalid_code'); // used stays used
    expect((await signInByText(onlyB, textMember.email, phone)).statusCode).toBe(200);
    expect((await signInWith(onlyB, newcomer.email, enrolment.recoveryCodes[0]!)).statusCode).toBe(200);
    const kids = (await loadSigningKeys(onlyB.context, onlyB.clock.now().getTime())).map((key) => key.kid);
    expect(kids).toContain(oidcKid);
  });

  it('N5 a rotation while another instance signs members in with recovery codes loses nothing', async () => {
    const keyC = randomBytes(32).toString('base64');
    const serving = await instance([keyC, keyB]);
    const rotating = await instance([keyC, keyB]);
    const members = await Promise.all([1, 2, 3].map((n) => memberWithTwoFactor(a, { email: `race${n}@keys.example` })));
    // a's key A is gone from the database's values by now; these members were made under A: open them with B,A first.
    const both = await instance([keyB, keyA]);
    expect((await rotateServerKey(both.context)).complete).toBe(true);

    const [report, ...signIns] = await Promise.all([
      rotateServerKey(rotating.context, { batchSize: 1 }),
      ...members.flatMap((member) => member.recoveryCodes.slice(0, 3).map((code) => signInWith(serving, member.email, code))),
    ]);
    for (const response of signIns) expect(response.statusCode, response.body).toBe(200);
    expect(report.tables.every((t) => t.unreadable === 0)).toBe(true);
    // What a sign-in changed meanwhile is picked up by a second run.
    expect((await rotateServerKey(rotating.context)).complete).toBe(true);

    const onlyC = await instance([keyC]);
    for (const member of members) {
      for (const used of member.recoveryCodes.slice(0, 3)) expectProblem(await signInWith(onlyC, member.email, used), 400, 'invalid_code');
      expect((await signInWith(onlyC, member.email, member.recoveryCodes[3]!)).statusCode).toBe(200);
      const rows = await onlyC.context.db.selectFrom('recoveryCodes').select(['codeSealed', 'usedAt']).where('userId', '=', member.userId).execute();
      expect(rows.filter((row) => row.usedAt !== null)).toHaveLength(4);
      for (const row of rows) expect(row.codeSealed.startsWith(`v1.${idOf(keyC)}.`)).toBe(true);
    }
  });
});

describe(`a texted code across a key change on ${testDatabaseKind}`, () => {
  let a: TestApp;
  const opened: TestApp[] = [];
  const phone = '+41791234568';
  let member: Member;
  async function instance(keys: string[]): Promise<TestApp> {
    const app = await createTestApp({}, { database: a.database, secretKeys: keys, clock: a.clock });
    opened.push(app);
    return app;
  }
  /** The same browser (its challenge cookie) talking to another instance. */
  function sameBrowserOn(t: TestApp, browser: Browser): Browser {
    const copy = new Browser(t.app);
    for (const [name, value] of browser.cookies) copy.cookies.set(name, value);
    return copy;
  }
  /** The password step and a texted code on the instance under the old key alone; the code is not entered yet. */
  async function codeTextedUnderOldKey(): Promise<{ browser: Browser; code: string }> {
    const browser = await startChallenge(a.app, member.email);
    const sent = await browser.post('/api/v1/auth/two-factor/sms');
    expect(sent.statusCode, sent.body).toBe(202);
    return { browser, code: lastCode(a, phone) };
  }

  beforeAll(async () => {
    a = await createTestApp({}, { secretKeys: [keyA] });
    member = await signUpMember(a, { email: 'pending-text@keys.example' });
    expect((await member.browser.post('/api/v1/me/two-factor/sms', { phoneNumber: phone })).statusCode).toBe(201);
    expect((await member.browser.post('/api/v1/me/two-factor/sms/confirm', { code: lastCode(a, phone) })).statusCode).toBe(200);
    a.clock.advance(60_000);
  });
  afterAll(async () => {
    for (const app of opened) await app.close();
    await a.close();
  });

  it('N5 a code texted under the old key is accepted after the server switches to keys "new,old", and after `keys rotate`', async () => {
    // The test is real: the code's hash is keyed, so a server with B alone cannot match it (codes
    // live minutes; the old key goes only after `keys rotate`, README step 3).
    const onlyB = await instance([keyB]);
    const stranded = await codeTextedUnderOldKey();
    expectProblem(await sameBrowserOn(onlyB, stranded.browser).submitCode(stranded.code), 400, 'invalid_code');
    a.clock.advance(60_000);

    const both = await instance([keyB, keyA]);
    // Switched while the code was on its way: entered on the server with "B,A".
    const beforeSwitch = await codeTextedUnderOldKey();
    const entered = await sameBrowserOn(both, beforeSwitch.browser).submitCode(beforeSwitch.code);
    expect(entered.statusCode, entered.body).toBe(200);
    expect(entered.json().status).toBe('signed_in');
    a.clock.advance(60_000);

    // Texted under A, then every value re-sealed under B by `keys rotate`, then entered.
    const beforeRotation = await codeTextedUnderOldKey();
    const rotated = await cli(both, `${keyB},${keyA}`);
    expect(rotated.code, rotated.stderr).toBe(0);
    for (const value of (await both.context.db.selectFrom('smsNumbers').select('phoneSealed').execute()).map((row) => row.phoneSealed)) expect(value.startsWith(`v1.${idOf(keyB)}.`)).toBe(true);
    const afterRotation = await sameBrowserOn(both, beforeRotation.browser).submitCode(beforeRotation.code);
    expect(afterRotation.statusCode, afterRotation.body).toBe(200);
    expect(afterRotation.json().status).toBe('signed_in');
  });
});
