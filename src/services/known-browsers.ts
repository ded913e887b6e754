// G1 known browsers, G4 new-browser e-mails, B2 remembered browsers. A browser that completes a
// sign-in gets a device cookie (an opaque token; only its SHA-256 is stored) bound to the member
// and replaced on every use. Its password attempts are counted apart from strangers' (G2, see
// password-check.ts), and, when the organization allows, it may skip the second step (B2).
import type { Kysely } from 'kysely';
import { newId } from '../core/ids.js';
import { isRememberedAt, knownBrowserLifetimeInMs, rememberedUntilFrom, type ForgetReason } from '../core/known-browsers.js';
import { newBrowserSignInMessage } from '../mail/templates.js';
import { hashToken, newOpaqueToken } from '../security/tokens.js';
import {
  deleteKnownBrowserOfUser,
  deleteKnownBrowsersOfUser,
  findKnownBrowserByTokenHash,
  forgetRememberedBrowsersOfUser,
  insertKnownBrowser,
  listKnownBrowsersOfUser,
  rememberKnownBrowser,
  rotateKnownBrowser,
} from '../store/known-browsers.js';
import { findMemberInOrganization } from '../store/members.js';
import { findOrganizationById } from '../store/organizations.js';
import type { Database, KnownBrowser, User } from '../store/schema.js';
import { actorOf, recordAudit, type AuditEntry } from './audit.js';
import { describeUserAgent } from './browser-description.js';
import { fail, nowInMs, type AppContext, type Outcome, type RequestOrigin } from './context.js';
import type { Authenticated } from './sessions.js';

/** The device cookie to set after a browser was recognised. */
export interface IssuedBrowserCookie {
  browserId: string;
  token: string;
  expiresAt: number;
}

/** The member's own known browser presenting `token`, if it is one (G1); anything else is an unknown client. */
export async function identifyKnownBrowser(context: AppContext, token: string | undefined, userId: string | undefined, db: Kysely<Database> = context.db): Promise<KnownBrowser | undefined> {
  if (!token || !userId) return undefined;
  const found = await findKnownBrowserByTokenHash(db, hashToken(token), nowInMs(context));
  return found?.userId === userId ? found : undefined;
}

/**
 * G1 after a complete sign-in: a known browser gets a new token (and 180 more days); any other
 * browser becomes known, and with `notify` the member is e-mailed about the new sign-in (G4).
 */
export async function recognizeBrowser(
  context: AppContext,
  user: Pick<User, 'id' | 'email' | 'name'>,
  presentedToken: string | undefined,
  origin: RequestOrigin,
  options: { notify: boolean },
): Promise<IssuedBrowserCookie> {
  const known = await identifyKnownBrowser(context, presentedToken, user.id);
  const issued = await recordBrowserSignIn(context.db, context, user.id, known, origin);
  if (options.notify && !known) notifyNewBrowser(context, user, origin);
  return issued;
}

/**
 * G1: the known browser (identified before) gets a new token and 180 more days, or the browser is
 * recorded as a new one. Runs on `db`, so a sign-in can write it in its own transaction.
 */
export async function recordBrowserSignIn(db: Kysely<Database>, context: AppContext, userId: string, known: KnownBrowser | undefined, origin: RequestOrigin): Promise<IssuedBrowserCookie> {
  const now = nowInMs(context);
  const token = newOpaqueToken();
  const expiresAt = now + knownBrowserLifetimeInMs;
  const userAgent = origin.userAgent?.slice(0, 512) ?? null;
  if (known && (await rotateKnownBrowser(db, known.id, known.tokenHash, { tokenHash: hashToken(token), nowInMs: now, expiresAt, ip: origin.ip, userAgent }))) {
    return { browserId: known.id, token, expiresAt };
  }
  // A known browser that lost a race to rotate its own token is recorded anew, but is not a new
  // browser for G4 (callers e-mail only when none was known).
  const browserId = newId(now, context.random);
  await insertKnownBrowser(db, { id: browserId, userId, tokenHash: hashToken(token), createdAt: now, expiresAt, ip: origin.ip, userAgent });
  return { browserId, token, expiresAt };
}

/** G4: the member is e-mailed about a complete sign-in from a browser not known before (after the commit). */
export function notifyNewBrowser(context: AppContext, user: Pick<User, 'email'>, origin: RequestOrigin): void {
  const described = describeUserAgent(origin.userAgent);
  context.mailer.send(newBrowserSignInMessage(user.email, { at: new Date(nowInMs(context)), ip: origin.ip, browser: described.browser, os: described.os }, new URL('/settings?tab=sessions', context.config.publicUrl).toString()), origin);
}

/** B2: whether this known browser may skip the member's second step right now. */
export async function isRememberedForSecondStep(context: AppContext, browser: KnownBrowser | undefined, user: User): Promise<boolean> {
  if (!browser || browser.rememberedUntil === null) return false;
  const organization = await findOrganizationById(context.db, user.organizationId);
  return organization !== undefined && isRememberedAt(browser, organization.rememberBrowserDays, nowInMs(context));
}

/** B2: remembers the browser that just completed the second step, if the organization allows it (on `db`, a transaction: with its audit event). */
async function rememberBrowserIn(db: Kysely<Database>, context: AppContext, user: User, browserId: string, origin: RequestOrigin): Promise<boolean> {
  const organization = await findOrganizationById(db, user.organizationId);
  if (!organization || organization.rememberBrowserDays <= 0) return false;
  const now = nowInMs(context);
  const until = rememberedUntilFrom(now, organization.rememberBrowserDays);
  if (!(await rememberKnownBrowser(db, user.id, browserId, now, until))) return false;
  await recordAudit(db, context, { organizationId: user.organizationId, type: 'browser.remembered', actor: { type: 'member', userId: user.id }, targetUserId: user.id, origin, details: { browserId, until: new Date(until).toISOString() } });
  return true;
}

/**
 * B2: every remembered browser of the member asks for the second step again. Called inside the
 * transaction of the change that causes it; audited only when something was remembered.
 */
export async function forgetRememberedBrowsers(
  db: Kysely<Database>,
  context: AppContext,
  member: { id: string; organizationId: string },
  reason: ForgetReason,
  actor: AuditEntry['actor'],
  origin: RequestOrigin | null,
): Promise<void> {
  const forgotten = await forgetRememberedBrowsersOfUser(db, member.id);
  if (forgotten > 0) await recordAudit(db, context, { organizationId: member.organizationId, type: 'browser.remembered_forgotten', actor, targetUserId: member.id, origin, details: { reason, count: forgotten } });
}

export interface KnownBrowserView {
  id: string;
  current: boolean;
  browser: string | null;
  os: string | null;
  userAgent: string | null;
  ip: string | null;
  firstSeenAt: number;
  lastUsedAt: number;
  rememberedAt: number | null;
  rememberedUntil: number | null;
}

/** G1, B2: a member's browsers, newest use first; "remembered" only while it still skips the second step. */
export async function listBrowsers(context: AppContext, user: User, currentBrowserToken: string | undefined): Promise<KnownBrowserView[]> {
  const now = nowInMs(context);
  const [browsers, current, organization] = await Promise.all([
    listKnownBrowsersOfUser(context.db, user.id, now),
    identifyKnownBrowser(context, currentBrowserToken, user.id),
    findOrganizationById(context.db, user.organizationId),
  ]);
  const days = organization?.rememberBrowserDays ?? 0;
  return browsers.map((browser) => {
    const described = describeUserAgent(browser.userAgent);
    return {
      id: browser.id,
      current: browser.id === current?.id,
      browser: described.browser,
      os: described.os,
      userAgent: browser.userAgent,
      ip: browser.ip,
      firstSeenAt: browser.createdAt,
      lastUsedAt: browser.lastUsedAt,
      rememberedAt: isRememberedAt(browser, days, now) ? browser.rememberedAt : null,
      rememberedUntil: isRememberedAt(browser, days, now) ? browser.rememberedUntil : null,
    };
  });
}

/** G1: forgets one of the member's browsers: no longer known, no longer remembered. */
export async function forgetOwnBrowser(context: AppContext, auth: Authenticated, browserId: string, origin: RequestOrigin): Promise<Outcome> {
  const deleted = await context.db.transaction().execute(async (trx) => {
    if (!(await deleteKnownBrowserOfUser(trx, auth.user.id, browserId))) return false;
    await recordAudit(trx, context, { organizationId: auth.organization.id, type: 'browser.forgotten', actor: actorOf(auth), targetUserId: auth.user.id, origin, details: { browserIds: [browserId] } });
    return true;
  });
  return deleted ? { ok: true } : fail('not_found');
}

/** G1: forgets every browser of a member but `keepToken`'s (the current one), or all with none. */
export async function forgetBrowsers(context: AppContext, actor: Authenticated, member: { id: string; organizationId: string }, keepToken: string | undefined, origin: RequestOrigin): Promise<number> {
  const keep = await identifyKnownBrowser(context, keepToken, member.id);
  return context.db.transaction().execute(async (trx) => {
    const browserIds = await deleteKnownBrowsersOfUser(trx, member.id, keep?.id ?? null);
    if (browserIds.length > 0) await recordAudit(trx, context, { organizationId: member.organizationId, type: 'browser.forgotten', actor: actorOf(actor), targetUserId: member.id, origin, details: { browserIds } });
    return browserIds.length;
  });
}

/**
 * After a completed second step: the browser is recognised (G1, G4); a recovery code forgets the
 * member's remembered browsers (B2: whoever lost their factor starts over), otherwise a browser
 * whose member asked is remembered while the organization allows it.
 */
export async function recognizeAfterSecondStep(
  context: AppContext,
  user: User,
  method: string,
  request: { browserToken: string | undefined; rememberBrowser: boolean },
  origin: RequestOrigin,
): Promise<IssuedBrowserCookie> {
  const known = await identifyKnownBrowser(context, request.browserToken, user.id);
  const issued = await context.db.transaction().execute((trx) => recordBrowserAfterSecondStep(trx, context, user, method, known, request.rememberBrowser, origin));
  if (!known) notifyNewBrowser(context, user, origin);
  return issued;
}

/**
 * G1 and B2 after a second step, on `db` (the sign-in's own transaction, or one of their own): the
 * browser recorded, then forgotten everywhere after a recovery code, or remembered when asked. The
 * G4 e-mail for a browser not known before is the caller's, after the commit.
 */
export async function recordBrowserAfterSecondStep(
  db: Kysely<Database>,
  context: AppContext,
  user: User,
  method: string,
  known: KnownBrowser | undefined,
  rememberBrowser: boolean,
  origin: RequestOrigin,
): Promise<IssuedBrowserCookie> {
  const issued = await recordBrowserSignIn(db, context, user.id, known, origin);
  if (method === 'recovery_code') await forgetRememberedBrowsers(db, context, user, 'recovery_code_sign_in', { type: 'member', userId: user.id }, origin);
  else if (rememberBrowser) await rememberBrowserIn(db, context, user, issued.browserId, origin);
  return issued;
}

/** M2 with G1: an administrator's view of one member's browsers (their organization only). */
export async function listMemberBrowsers(context: AppContext, admin: Authenticated, memberId: string): Promise<Outcome<{ browsers: KnownBrowserView[] }>> {
  const member = await findMemberInOrganization(context.db, admin.organization.id, memberId);
  if (!member) return fail('not_found');
  return { ok: true, browsers: await listBrowsers(context, member, undefined) };
}

/** B2: an administrator forgets every browser of a member (they are asked for everything again). */
export async function forgetMemberBrowsers(context: AppContext, admin: Authenticated, memberId: string, origin: RequestOrigin): Promise<Outcome> {
  const member = await findMemberInOrganization(context.db, admin.organization.id, memberId);
  if (!member) return fail('not_found');
  await forgetBrowsers(context, admin, member, undefined, origin);
  return { ok: true };
}
