// The peer: Better Auth 1.7 with its two-factor plugin (../shared/peers/better-auth), copied into
// a temporary folder (the shared folder may be read-only), installed there with `npm ci`, started
// on SQLite, and seeded like Tessera: members with an authenticator app each, half-way through
// signing in (one open two-factor challenge each), all with the same password hash.
//
// The seeding writes Better Auth's own rows: the TOTP secret sealed with Better Auth's own
// `symmetricEncrypt` (imported from the peer's installed package), and the challenge as Better
// Auth's sign-in leaves it (`2fa-<id>` and `2fa-attempts-<id>` verification rows, the id in the
// `better-auth.two_factor` cookie signed with HMAC-SHA256 as better-call signs cookies). One real
// sign-in through the peer's API (password, then a valid code) checks the seeded shape and gives
// the session cookie the session-check scenario uses.
import { execFile, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { cpSync, chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { generateTotp } from '../src/core/totp.js';
import { nodeHmac } from '../src/security/hmac.js';
import { cookieFrom, freePort, root, send, startNode, stop, waitFor } from './measure.js';

const peerSource = process.env.BENCH_PEER_DIR ?? join(root, '..', 'shared', 'peers', 'better-auth');
// server.mjs's secret: the peer signs cookies and seals secrets with it.
const peerSecret = 'peer-benchmark-secret-0123456789abcdef0123456789';
const twoFactorCookieName = 'better-auth.two_factor';
const sessionCookieName = 'better-auth.session_token';
const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export interface PeerSignIn {
  /** `better-auth.two_factor=…` */
  challengeCookie: string;
  /** The TOTP key bytes (Better Auth's secret string, as its authenticator URI encodes it). */
  secret: Uint8Array;
  email: string;
}

export interface Peer {
  dir: string;
  base: string;
  process: ChildProcess;
  origin: string;
}

function randomString(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

function makeWritable(path: string): void {
  chmodSync(path, statSync(path).isDirectory() ? 0o755 : 0o644);
  if (statSync(path).isDirectory()) for (const entry of readdirSync(path)) makeWritable(join(path, entry));
}

/** Copies the peer into a temporary folder and runs `npm ci` there (only the npm registry is needed). */
export async function installPeer(): Promise<string> {
  if (!existsSync(join(peerSource, 'server.mjs'))) throw new Error(`no Better Auth peer at ${peerSource} (set BENCH_PEER_DIR)`);
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-peer-'));
  cpSync(peerSource, dir, { recursive: true, filter: (source) => !source.includes('node_modules') });
  makeWritable(dir);
  await promisify(execFile)('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  return dir;
}

export async function startPeer(dir: string): Promise<Peer> {
  const port = await freePort();
  const child = startNode(['server.mjs'], { cwd: dir, env: { PORT: String(port), DB: join(dir, 'peer.db'), NODE_ENV: 'production' } });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor(`${base}/api/auth/ok`);
  } catch (error) {
    await stop(child);
    throw error;
  }
  return { dir, base, process: child, origin: base };
}

export async function stopPeer(peer: Peer | undefined, dir: string | undefined): Promise<void> {
  await stop(peer?.process);
  if (dir) rmSync(dir, { recursive: true, force: true });
}

function signCookie(value: string): string {
  return encodeURIComponent(`${value}.${createHmac('sha256', peerSecret).update(value).digest('base64')}`);
}

// No keep-alive: the seeding between two requests can outlast the peer's idle-connection timeout.
const peerAgent = new Agent({ keepAlive: false });
const json = (peer: Peer, cookie?: string) => ({ 'content-type': 'application/json', origin: peer.origin, ...(cookie ? { cookie } : {}) });

/** Seeds `count` members mid-sign-in per label, after one real sign-up (for the password hash and the row shapes). */
export async function seedPeer(peer: Peer, password: string, groups: Array<{ label: string; count: number }>): Promise<{ groups: Map<string, PeerSignIn[]>; sessionCookie: string }> {
  const crypto = (await import(pathToFileURL(join(peer.dir, 'node_modules/better-auth/dist/crypto/index.mjs')).href)) as {
    symmetricEncrypt(options: { key: string; data: string }): Promise<string>;
  };
  const templateEmail = 'template@bench.example';
  const signUp = await send(peerAgent, 'POST', `${peer.base}/api/auth/sign-up/email`, json(peer), JSON.stringify({ email: templateEmail, password, name: 'Template' }));
  if (signUp.status !== 200) throw new Error(`peer sign-up: ${signUp.status} ${signUp.body}`);

  const db = new Database(join(peer.dir, 'peer.db'));
  db.pragma('journal_mode = WAL');
  const template = db.prepare<[string], { password: string }>(`select a.password from account a join user u on u.id = a.userId where u.email = ?`).get(templateEmail)!;
  const now = new Date();
  const iso = now.toISOString();
  const expires = new Date(now.getTime() + 60 * 60 * 1000).toISOString();
  const insertUser = db.prepare(`insert into user (id, name, email, emailVerified, image, createdAt, updatedAt, twoFactorEnabled) values (?, ?, ?, 1, null, ?, ?, 1)`);
  const insertAccount = db.prepare(`insert into account (id, accountId, providerId, userId, password, createdAt, updatedAt) values (?, ?, 'credential', ?, ?, ?, ?)`);
  const insertTwoFactor = db.prepare(`insert into twoFactor (id, secret, backupCodes, userId, verified, failedVerificationCount, lockedUntil) values (?, ?, ?, ?, 1, 0, null)`);
  const insertVerification = db.prepare(`insert into verification (id, identifier, value, expiresAt, createdAt, updatedAt) values (?, ?, ?, ?, ?, ?)`);
  const backupCodes = await crypto.symmetricEncrypt({ key: peerSecret, data: JSON.stringify(Array.from({ length: 10 }, () => randomString(10))) });

  const result = new Map<string, PeerSignIn[]>();
  for (const { label, count } of groups) {
    const members: Array<{ userId: string; email: string; sealed: string; secretText: string; identifier: string }> = [];
    for (let i = 0; i < count; i++) {
      const secretText = randomString(32);
      members.push({ userId: randomString(32), email: `${label}-${i}@bench.example`, sealed: await crypto.symmetricEncrypt({ key: peerSecret, data: secretText }), secretText, identifier: `2fa-${randomString(20)}` });
    }
    db.transaction(() => {
      for (const m of members) {
        insertUser.run(m.userId, `Bench Member`, m.email, iso, iso);
        insertAccount.run(randomString(32), m.userId, m.userId, template.password, iso, iso);
        insertTwoFactor.run(randomString(32), m.sealed, backupCodes, m.userId);
        insertVerification.run(randomString(32), m.identifier, m.userId, expires, iso, iso);
        insertVerification.run(randomString(32), `2fa-attempts-${m.identifier}`, '0', expires, iso, iso);
      }
    })();
    result.set(
      label,
      members.map((m) => ({ challengeCookie: `${twoFactorCookieName}=${signCookie(m.identifier)}`, secret: new Uint8Array(Buffer.from(m.secretText, 'utf8')), email: m.email })),
    );
  }
  db.close();

  // One real sign-in on a seeded member of its own: the password step must ask for the second
  // step, and a valid code must give a session.
  const own = result.get('session')?.[0];
  if (!own) throw new Error('seedPeer needs a "session" group');
  const signIn = await send(peerAgent, 'POST', `${peer.base}/api/auth/sign-in/email`, json(peer), JSON.stringify({ email: own.email, password }));
  if (signIn.status !== 200 || !signIn.body.includes('"twoFactorRedirect":true')) throw new Error(`peer password step: ${signIn.status} ${signIn.body}`);
  const seeded = await send(peerAgent, 'POST', `${peer.base}/api/auth/two-factor/verify-totp`, json(peer, own.challengeCookie), JSON.stringify({ code: generateTotp(nodeHmac, own.secret, Date.now()) }));
  const sessionCookie = cookieFrom(seeded, sessionCookieName);
  if (seeded.status !== 200 || !sessionCookie) throw new Error(`peer second step on a seeded challenge: ${seeded.status} ${seeded.body}`);
  const check = await send(peerAgent, 'GET', `${peer.base}/api/auth/get-session`, { cookie: sessionCookie });
  if (check.status !== 200 || !check.body.includes(own.email)) throw new Error(`peer session check: ${check.status} ${check.body}`);
  peerAgent.destroy();
  return { groups: result, sessionCookie };
}
