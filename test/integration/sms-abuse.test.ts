// Issue 10 item 6: text-message fraud. Codes are texted to mobile numbers only, of the countries
// an organization allows, and within daily caps per organization and for the whole deployment,
// claimed atomically with the other send counters (also with 20 requests at once, and on
// PostgreSQL across two instances); a cap reached answers 429 sms_limit_reached and is audited.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';
import { Browser, expectProblem, inviteMember, minute, signUpMember, type Member } from '../support/two-factor.js';

const day = 24 * 60 * minute;
const mobile = { typed: '+41 79 123 45 67', e164: '+41791234567' };

function startSms(browser: Browser, phoneNumber: string, country?: string) {
  return browser.post('/api/v1/me/two-factor/sms', country === undefined ? { phoneNumber } : { phoneNumber, country });
}

async function storedSmsRows(t: TestApp, userId: string) {
  const [enrolments, codes, events] = await Promise.all([
    t.store.db.selectFrom('smsEnrollments').select('userId').where('userId', '=', userId).execute(),
    t.store.db.selectFrom('smsCodes').select('id').where('userId', '=', userId).execute(),
    t.store.db.selectFrom('auditEvents').select('id').where('targetUserId', '=', userId).where('type', '=', 'two_factor.sms_code_sent').execute(),
  ]);
  return enrolments.length + codes.length + events.length;
}

describe(`text-message fraud (issue 10 item 6) on ${testDatabaseKind}`, () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('issue 10 item 6: a premium-rate, a fixed-line and a toll-free number are refused with 400 validation_failed on phoneNumber, nothing texted or stored; a mobile is accepted', async () => {
    const member = await signUpMember(t, { email: 'pump@sms-fraud.example' });
    const textsBefore = t.texts().length;
    for (const [typed, country] of [
      ['+44 909 879 0000', undefined], // UK premium rate
      ['+44 20 7946 0000', undefined], // London fixed line
      ['0900 123 456', 'CH'], // Swiss premium rate, typed nationally
      ['+41 44 668 18 00', undefined], // Zurich fixed line
      ['+1 800 555 0100', undefined], // US toll free
    ] as const) {
      const response = await startSms(member.browser, typed, country);
      expectProblem(response, 400, 'validation_failed', typed);
      expect(response.json().errors).toEqual([{ field: 'phoneNumber', message: 'Codes are texted to mobile numbers only, not to landlines, premium-rate or toll-free numbers.' }]);
    }
    expect(t.texts()).toHaveLength(textsBefore);
    expect(await storedSmsRows(t, member.userId)).toBe(0);

    const accepted = await startSms(member.browser, mobile.typed);
    expect(accepted.statusCode, accepted.body).toBe(201);
    expect(t.texts()[0]!.to).toBe(mobile.e164);
  });

  it('issue 10 item 6: an organization lists the countries numbers may be from; others are refused with a field error naming them; the list is validated and can be lifted', async () => {
    const admin = await signUpMember(t, { email: 'ada@sms-countries.example' });
    const patched = await admin.browser.patch('/api/v1/organization', { twoFactor: { smsAllowedCountries: ['de', 'CH', 'ch'] } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().twoFactor.smsAllowedCountries).toEqual(['CH', 'DE']);
    expect((await admin.browser.get('/api/v1/me/two-factor')).json().sms).toMatchObject({ allowed: true, allowedCountries: ['CH', 'DE'] });

    const textsBefore = t.texts().length;
    for (const [typed, country] of [
      ['+33 6 12 34 56 78', undefined],
      ['06 12 34 56 78', 'FR'],
      ['+44 7400 123456', 'CH'],
    ] as const) {
      const refused = await startSms(admin.browser, typed, country);
      expectProblem(refused, 400, 'validation_failed', typed);
      expect(refused.json().errors).toEqual([{ field: 'phoneNumber', message: 'Your organization accepts mobile numbers from these countries only: CH, DE.' }]);
    }
    expect(t.texts()).toHaveLength(textsBefore);
    expect(await storedSmsRows(t, admin.userId)).toBe(0);
    expect((await startSms(admin.browser, '079 123 45 67', 'CH')).statusCode).toBe(201);

    for (const wrong of [['XX'], [], ['CHE'], 'CH', [1]]) {
      const response = await admin.browser.patch('/api/v1/organization', { twoFactor: { smsAllowedCountries: wrong } });
      expectProblem(response, 400, 'validation_failed', JSON.stringify(wrong));
    }
    const unknown = await admin.browser.patch('/api/v1/organization', { twoFactor: { smsAllowedCountries: ['CH', 'XX'] } });
    expect(unknown.json().errors).toEqual([{ field: 'twoFactor.smsAllowedCountries', message: 'XX is not a country with phone numbers.' }]);
    expect((await admin.browser.get('/api/v1/organization')).json().twoFactor.smsAllowedCountries).toEqual(['CH', 'DE']);

    const lifted = await admin.browser.patch('/api/v1/organization', { twoFactor: { smsAllowedCountries: null } });
    expect(lifted.json().twoFactor.smsAllowedCountries).toBeNull();
    t.clock.advance(minute);
    expect((await startSms(admin.browser, '+33 6 12 34 56 78')).statusCode).toBe(201);
  });
});

describe(`text-message daily caps (issue 10 item 6) on ${testDatabaseKind}`, () => {
  const perOrganization = 5;
  const perDeployment = 8;
  let t: TestApp;
  /** On PostgreSQL a second instance on the same database; on SQLite the same one (one process per file). */
  let other: TestApp;
  let nextNumber = 100;

  beforeAll(async () => {
    const limits = { smsDailyLimitPerOrganization: perOrganization, smsDailyLimit: perDeployment };
    t = await createTestApp(limits);
    other = testDatabaseKind === 'postgres' ? await createTestApp(limits, { database: t.database }) : t;
  });
  afterAll(async () => {
    if (other !== t) await other.close();
    await t.close();
  });

  function allTexts() {
    return other === t ? t.texts() : [...t.texts(), ...other.texts()];
  }

  function sameBrowserOn(app: FastifyInstance, browser: Browser): Browser {
    const copy = new Browser(app);
    for (const [name, value] of browser.cookies) copy.cookies.set(name, value);
    return copy;
  }

  /** An organization of `size` members, each signed in within the last minutes. */
  async function organizationOf(name: string, size: number): Promise<Member[]> {
    const admin = await signUpMember(t, { email: `admin@${name}.example`, organization: name });
    const members = [admin];
    for (let i = 1; i < size; i++) members.push(await inviteMember(t, admin, { email: `member-${i}@${name}.example`, name: `Member ${i}` }));
    return members;
  }

  /** Every member adds a different mobile number at once, half of them through the other instance. */
  async function allAddNumbersAtOnce(members: Member[]): Promise<LightMyRequestResponse[]> {
    return Promise.all(
      members.map((member, i) => {
        const browser = i % 2 === 0 || other === t ? member.browser : sameBrowserOn(other.app, member.browser);
        return startSms(browser, `+41 76 555 ${String(nextNumber++).padStart(4, '0').replace(/^(\d\d)/, '$1 ')}`);
      }),
    );
  }

  function expectCapReached(responses: LightMyRequestResponse[], sent: number): void {
    const statuses = responses.map((r) => r.statusCode);
    expect(statuses.filter((s) => s === 201), JSON.stringify(statuses)).toHaveLength(sent);
    responses
      .filter((r) => r.statusCode !== 201)
      .forEach((r, i) => {
        expectProblem(r, 429, 'sms_limit_reached', `refused ${i}`);
        expect(Number(r.headers['retry-after']), `refused ${i}`).toBeGreaterThan(0);
      });
  }

  async function capEvents(organizationId: string) {
    const rows = await t.store.db.selectFrom('auditEvents').selectAll().where('organizationId', '=', organizationId).where('type', '=', 'two_factor.sms_limit_reached').execute();
    return rows.map((row) => JSON.parse(row.details) as Record<string, unknown>);
  }

  it(`issue 10 item 6: 10 members adding numbers at once text exactly ${perOrganization} (the organization's cap), then ${perDeployment} in all (the deployment's); the rest 429 sms_limit_reached, audited once per cap; a day later texts go out again`, async () => {
    const first = await organizationOf('cap-one', 10);
    const second = await organizationOf('cap-two', 10);
    const textsBefore = allTexts().length;

    expectCapReached(await allAddNumbersAtOnce(first), perOrganization);
    expect(allTexts().length - textsBefore).toBe(perOrganization);
    expect(await capEvents(first[0]!.organizationId)).toEqual([{ limit: 'organization', perDay: perOrganization }]);

    expectCapReached(await allAddNumbersAtOnce(second), perDeployment - perOrganization);
    expect(allTexts().length - textsBefore).toBe(perDeployment);
    expect(await capEvents(second[0]!.organizationId)).toEqual([{ limit: 'deployment', perDay: perDeployment }]);

    // More refusals in the same window add no event; nothing waits for a code of a refused send.
    t.clock.advance(2 * minute);
    if (other !== t) other.clock.advance(2 * minute);
    const again = await startSms(second[9]!.browser, '+41 76 555 99 99');
    expectProblem(again, 429, 'sms_limit_reached');
    expect(again.json().detail).toMatch(/^This service has sent as many text messages as it may in a day/);
    expect(await capEvents(second[0]!.organizationId)).toHaveLength(1);
    expect(await capEvents(first[0]!.organizationId)).toHaveLength(1);
    const waiting = await t.store.db.selectFrom('smsEnrollments').select('userId').where('userId', 'in', [...first, ...second].map((m) => m.userId)).execute();
    expect(waiting).toHaveLength(perDeployment);

    t.clock.advance(day);
    if (other !== t) other.clock.advance(day);
    const member = await signUpMember(t, { email: 'next-day@cap-one.example' });
    expect((await startSms(member.browser, '+41 76 555 88 88')).statusCode).toBe(201);
  });
});
