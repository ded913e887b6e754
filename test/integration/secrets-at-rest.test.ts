// Security floor: "Nothing secret is readable from a database dump" and "Passwords hashed with
// argon2id (m = 19 MiB, t = 2, p = 1 or stronger)". After the flows that create secrets, every
// row of every table (and on SQLite the raw database and WAL files) is searched for them.
import { existsSync, readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, signUp, strongPassword, tokenFromLink } from '../support/agent.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';

interface Secret {
  label: string;
  value: string;
}

/** A random token in the forms it could plausibly be stored in: as sent, hex, base64, raw bytes. */
function tokenForms(label: string, token: string): { text: Secret[]; bytes: Buffer } {
  const bytes = Buffer.from(token, 'base64url');
  return {
    text: [
      { label, value: token },
      { label: `${label} (hex)`, value: bytes.toString('hex') },
      { label: `${label} (base64)`, value: bytes.toString('base64').replace(/=+$/, '') },
    ],
    bytes,
  };
}

describe(`secrets at rest on ${testDatabaseKind}`, () => {
  let t: TestApp;
  const passwords = { signup: strongPassword, reset: 'a new secret passphrase after reset', invitee: 'the invitees own passphrase' };
  const textSecrets: Secret[] = [];
  const byteSecrets: Array<{ label: string; bytes: Buffer }> = [];

  function addToken(label: string, token: string): void {
    const forms = tokenForms(label, token);
    textSecrets.push(...forms.text);
    byteSecrets.push({ label, bytes: forms.bytes });
  }

  beforeAll(async () => {
    t = await createTestApp();
    // Sign-up (A1) with its verification link and session.
    const admin = await signUp(t.app, { organization: 'Vault', name: 'Val Admin', email: 'val@vault.example', password: passwords.signup });
    addToken('sign-up session cookie', admin.cookie!);
    addToken('verification token', tokenFromLink((await t.mail())[0]!.text, 'http://tessera.test/verify-email'));

    // A sign-in (A2) on another browser.
    const other = new Agent(t.app);
    expect((await other.post('/api/v1/auth/login', { email: 'val@vault.example', password: passwords.signup })).statusCode).toBe(200);
    addToken('login session cookie', other.cookie!);

    // A password reset (A4): one link requested and used, a second one left pending.
    await new Agent(t.app).post('/api/v1/auth/password-reset', { email: 'val@vault.example' });
    const usedReset = tokenFromLink((await t.mail())[0]!.text, 'http://tessera.test/reset-password');
    addToken('used reset token', usedReset);
    expect((await new Agent(t.app).post('/api/v1/auth/password-reset/confirm', { token: usedReset, password: passwords.reset })).statusCode).toBe(204);
    await new Agent(t.app).post('/api/v1/auth/password-reset', { email: 'val@vault.example' });
    addToken('pending reset token', tokenFromLink((await t.mail())[0]!.text, 'http://tessera.test/reset-password'));

    // Invitations (A6): one accepted, one still open.
    const admin2 = new Agent(t.app);
    await admin2.post('/api/v1/auth/login', { email: 'val@vault.example', password: passwords.reset });
    addToken('post-reset admin session cookie', admin2.cookie!);
    await admin2.post('/api/v1/organization/users', { email: 'ivan@vault.example', name: 'Ivan', role: 'member' });
    const accepted = tokenFromLink((await t.mail())[0]!.text, 'http://tessera.test/accept-invitation');
    addToken('accepted invitation token', accepted);
    const invitee = new Agent(t.app);
    expect((await invitee.post('/api/v1/invitations/accept', { token: accepted, name: 'Ivan', password: passwords.invitee })).statusCode).toBe(201);
    addToken('invitee session cookie', invitee.cookie!);
    await admin2.post('/api/v1/organization/users', { email: 'olga@vault.example', name: 'Olga', role: 'admin' });
    addToken('open invitation token', tokenFromLink((await t.mail())[0]!.text, 'http://tessera.test/accept-invitation'));

    for (const [label, value] of Object.entries(passwords)) textSecrets.push({ label: `${label} password`, value });
  });
  afterAll(async () => {
    await t.close();
  });

  async function dumpAllTables(): Promise<Record<string, string>> {
    const tables =
      t.store.kind === 'sqlite'
        ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(t.store.db)).rows.map((r) => r.name)
        : (await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(t.store.db)).rows.map((r) => r.name);
    const dump: Record<string, string> = {};
    for (const table of tables) {
      const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(t.store.db)).rows;
      dump[table] = JSON.stringify(rows, (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('hex') : value));
    }
    return dump;
  }

  it('the flows ran and produced every kind of secret (so the search below has something to find)', async () => {
    expect(textSecrets.filter((s) => s.label.endsWith('cookie'))).toHaveLength(4);
    expect(textSecrets.filter((s) => s.label.endsWith('token'))).toHaveLength(5);
    const dump = await dumpAllTables();
    expect(Object.keys(dump)).toEqual(expect.arrayContaining(['users', 'sessions', 'email_tokens', 'invitations', 'audit_events']));
    // The rows are there: e-mail addresses are not secret and must show up.
    expect(dump.users).toContain('ivan@vault.example');
    expect(dump.invitations).toContain('olga@vault.example');
    expect(JSON.parse(dump.sessions!).length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(dump.email_tokens!).length).toBeGreaterThanOrEqual(3);
  });

  it('Security floor A3 A4 A6: no table row contains a password, an e-mailed token or a session cookie', async () => {
    const dump = await dumpAllTables();
    for (const [table, text] of Object.entries(dump)) {
      for (const secret of textSecrets) expect(text.includes(secret.value), `${secret.label} found in table ${table}`).toBe(false);
    }
  });

  it.skipIf(testDatabaseKind !== 'sqlite')('Security floor: the raw SQLite database and WAL files contain no secret either', async () => {
    const path = t.database.url;
    const files = [path, `${path}-wal`].filter((file) => existsSync(file));
    expect(files[0]).toBe(path);
    const contents = files.map((file) => ({ file, bytes: readFileSync(file) }));
    // The files hold the rows (an e-mail address is plainly there), so a miss below means something.
    expect(contents.some(({ bytes }) => bytes.includes(Buffer.from('olga@vault.example')))).toBe(true);
    for (const { file, bytes } of contents) {
      for (const secret of textSecrets) {
        expect(bytes.includes(Buffer.from(secret.value, 'utf8')), `${secret.label} found in ${file}`).toBe(false);
        expect(bytes.includes(Buffer.from(secret.value, 'utf16le')), `${secret.label} (UTF-16) found in ${file}`).toBe(false);
      }
      for (const secret of byteSecrets) expect(bytes.includes(secret.bytes), `${secret.label} (raw bytes) found in ${file}`).toBe(false);
    }
  });

  it('Security floor: every password hash is argon2id with m=19456, t=2, p=1 and verifies only its password', async () => {
    const users = await t.store.db.selectFrom('users').select(['email', 'passwordHash']).execute();
    expect(users.length).toBe(2);
    for (const user of users) expect(user.passwordHash, user.email).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    const val = users.find((u) => u.email === 'val@vault.example')!;
    expect(await t.context.passwords.verify(val.passwordHash, passwords.reset)).toBe(true);
    expect(await t.context.passwords.verify(val.passwordHash, passwords.signup)).toBe(false);
    // Salted: equal passwords still give different hashes.
    expect(await t.context.passwords.hash(strongPassword)).not.toBe(await t.context.passwords.hash(strongPassword));
  });
});
