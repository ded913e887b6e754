// Helpers for the two-factor integration tests: a browser that keeps every cookie (the session
// and the sign-in challenge), TOTP codes from an independent implementation (otpauth), and the
// common journeys (verified member, enrolment, password step).
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import * as OTPAuth from 'otpauth';
import { expect } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { createMailer } from '../../src/mail/mailer.js';
import type { AppContext } from '../../src/services/context.js';
import { openStore, type Store } from '../../src/store/database.js';
import { Browser, signUpAddress, strongPassword, tokenFromLink } from './agent.js';

export { Browser, challengeCookie, sessionCookie } from './agent.js';
import type { TestApp } from './test-app.js';

export const second = 1000;
export const minute = 60 * second;
export const stepInMs = 30 * second;

/** RFC 6238 code for `secret` at the test clock, `offsetSteps` steps away, by otpauth (not our core). */
export function totpCode(t: TestApp, secret: string, offsetSteps = 0): string {
  return OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30, timestamp: t.clock.now().getTime() + offsetSteps * stepInMs });
}

/** Moves the clock to the next 30-second step, so a member's next code is not a replay (T5). */
export function nextStep(t: TestApp): void {
  t.clock.advance(stepInMs);
}

export function expectProblem(response: LightMyRequestResponse, status: number, code: string, label = ''): void {
  const context = `${label} → ${response.statusCode} ${response.body.slice(0, 300)}`;
  expect(response.statusCode, context).toBe(status);
  expect(response.headers['content-type'], context).toMatch(/^application\/problem\+json/);
  const body = response.json();
  expect(body, context).toMatchObject({ status, code });
  expect(typeof body.title, context).toBe('string');
  expect(typeof body.detail, context).toBe('string');
}

export interface Member {
  browser: Browser;
  email: string;
  name: string;
  userId: string;
  organizationId: string;
}

/** Signs up a new organization's administrator (A1) and, unless told not to, verifies the address. */
export async function signUpMember(t: TestApp, input: { email: string; name?: string; organization?: string; verify?: boolean }): Promise<Member> {
  const browser = new Browser(t.app);
  const name = input.name ?? 'Ada Lovelace';
  const response = await browser.request('POST', '/api/v1/signup', { organization: input.organization ?? `Org of ${input.email}`, name, email: input.email, password: strongPassword }, {}, signUpAddress());
  if (response.statusCode !== 201) throw new Error(`signup failed: ${response.statusCode} ${response.body}`);
  const state = response.json();
  if (input.verify !== false) await verifyAddress(t, input.email);
  return { browser, email: input.email, name, userId: state.user.id, organizationId: state.organization.id };
}

/** A1: follows the verification link e-mailed at sign-up (API keys and invitations need it, issue 10). */
export async function verifyAddress(t: TestApp, email: string): Promise<void> {
  const mail = (await t.mail()).find((m) => m.to === email && m.subject === 'Verify your e-mail address');
  const token = tokenFromLink(mail!.text, 'http://tessera.test/verify-email');
  expect((await new Browser(t.app).post('/api/v1/auth/verify-email', { token })).statusCode).toBe(204);
}

export interface Enrolment {
  secret: string;
  otpauthUri: string;
  qrCodeSvg: string;
  recoveryCodes: string[];
}

/** T1–T4: starts and confirms an authenticator with a code from otpauth; returns the secret and codes. */
export async function enrolTotp(t: TestApp, browser: Browser): Promise<Enrolment> {
  const started = await browser.post('/api/v1/me/two-factor/totp');
  expect(started.statusCode, started.body).toBe(201);
  const { secret, otpauthUri, qrCodeSvg } = started.json();
  const confirmed = await browser.post('/api/v1/me/two-factor/totp/confirm', { code: totpCode(t, secret) });
  expect(confirmed.statusCode, confirmed.body).toBe(200);
  return { secret, otpauthUri, qrCodeSvg, recoveryCodes: confirmed.json().recoveryCodes };
}

/** A member with two-factor authentication on, ready to sign in again; the clock is past the used step. */
export async function memberWithTwoFactor(t: TestApp, input: { email: string; name?: string; organization?: string }): Promise<Member & Enrolment> {
  const member = await signUpMember(t, input);
  const enrolment = await enrolTotp(t, member.browser);
  nextStep(t);
  return { ...member, ...enrolment };
}

/** The password step in a fresh browser, expecting a challenge (L1). */
export async function startChallenge(app: FastifyInstance, email: string, options: { remoteAddress?: string } = {}): Promise<Browser> {
  const browser = new Browser(app, options);
  const response = await browser.login(email);
  expect(response.statusCode, response.body).toBe(200);
  expect(response.json().status).toBe('two_factor_required');
  expect(browser.challengeToken).toBeDefined();
  return browser;
}

/** A full sign-in with a code; returns the signed-in browser. */
export async function signInWithCode(app: FastifyInstance, email: string, code: string): Promise<{ browser: Browser; response: LightMyRequestResponse }> {
  const browser = await startChallenge(app, email);
  const response = await browser.submitCode(code);
  return { browser, response };
}

/** A6: the administrator invites; the invitee accepts through the e-mailed link and is signed in. */
export async function inviteMember(t: TestApp, admin: Member, input: { email: string; name: string; role?: 'admin' | 'member'; twoFactorRequired?: boolean }): Promise<Member> {
  const invited = await admin.browser.post('/api/v1/organization/users', { email: input.email, name: input.name, role: input.role ?? 'member', twoFactorRequired: input.twoFactorRequired ?? false });
  expect(invited.statusCode, invited.body).toBe(201);
  const mail = (await t.mail()).find((m) => m.to === input.email && m.subject.includes('invited you'));
  const token = tokenFromLink(mail!.text, 'http://tessera.test/accept-invitation');
  const browser = new Browser(t.app);
  const accepted = await browser.post('/api/v1/invitations/accept', { token, name: input.name, password: strongPassword });
  expect(accepted.statusCode, accepted.body).toBe(201);
  const session = accepted.json();
  return { browser, email: input.email, name: input.name, userId: session.user.id, organizationId: session.organization.id };
}

export async function mailTo(t: TestApp, email: string, subject: string) {
  return (await t.mail()).filter((m) => m.to === email && m.subject === subject);
}

export async function auditEventsOf(t: TestApp, userId: string, type: string) {
  const rows = await t.store.db.selectFrom('auditEvents').selectAll().where('targetUserId', '=', userId).where('type', '=', type).orderBy('id').execute();
  return rows.map((row) => ({ ...row, details: JSON.parse(row.details) as Record<string, unknown> }));
}

export async function readUser(t: TestApp, userId: string) {
  return t.store.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
}

/** Every row of every table, as JSON text per table (for "nothing secret in a dump"). */
export async function dumpAllTables(store: Store): Promise<Record<string, string>> {
  const tables =
    store.kind === 'sqlite'
      ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(store.db)).rows.map((r) => r.name)
      : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(store.db)).rows.map((r) => r.name);
  const dump: Record<string, string> = {};
  for (const table of tables) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(store.db)).rows;
    dump[table] = JSON.stringify(rows, (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('hex') : value));
  }
  return dump;
}

/**
 * T5 "also with several server instances on one database": a second, independent Tessera on the
 * same database (its own connection pool, session lookup and mailer), sharing the server key and
 * the test clock as two real instances share a key file and wall time.
 */
export async function createSecondInstance(t: TestApp): Promise<{ app: FastifyInstance; close(): Promise<void> }> {
  const store = openStore(t.database.url, { sessionCache: t.context.config.sessionCache });
  const silent = { info() {}, error() {} };
  const mailer = createMailer({ smtpUrl: undefined, from: t.context.config.mailFrom, isProduction: false, logger: silent });
  const context: AppContext = { ...t.context, db: store.db, sessionLookup: store.sessions, mailer };
  const app = await buildApp(context);
  await app.ready();
  return {
    app,
    async close() {
      await app.close();
      await store.close();
    },
  };
}

/**
 * Makes the database refuse audit events of one type (a trigger), to prove that the change and its
 * event commit together (Security floor). Returns the function that removes the trigger.
 */
export async function refuseAuditEvents(store: Store, type: string): Promise<() => Promise<void>> {
  if (store.kind === 'sqlite') {
    await sql.raw(`create trigger refuse_audit before insert on audit_events when new.type = '${type}' begin select raise(abort, 'audit refused'); end`).execute(store.db);
  } else {
    await sql.raw(`create or replace function refuse_audit() returns trigger language plpgsql as $$ begin if new.type = '${type}' then raise exception 'audit refused'; end if; return new; end $$`).execute(store.db);
    await sql.raw('create trigger refuse_audit before insert on audit_events for each row execute function refuse_audit()').execute(store.db);
  }
  return async () => {
    await sql.raw(store.kind === 'sqlite' ? 'drop trigger refuse_audit' : 'drop trigger refuse_audit on audit_events').execute(store.db);
  };
}
