// Issue 10 item 10: the operator command never takes a password from its arguments (shell history
// and the process list keep them): standard input with --admin-password-stdin, or
// TESSERA_ADMIN_PASSWORD.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../src/cli/main.js';
import { Browser } from '../support/agent.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { testDatabaseKind } from '../support/test-database.js';

const password = 'operator chose this passphrase';

describe(`operator password input on ${testDatabaseKind}`, () => {
  let t: TestApp;
  let dataDir: string;
  beforeAll(async () => {
    t = await createTestApp();
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-cli-password-'));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function run(argv: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) {
    const output = { stdout: '', stderr: '', stdinRead: false };
    const io: CliIo = {
      env: { DATABASE_URL: t.database.url, TESSERA_DATA_DIR: dataDir, NODE_ENV: 'development', PUBLIC_URL: 'http://tessera.test', ...options.env },
      readStdin: async () => {
        output.stdinRead = true;
        return options.stdin ?? '';
      },
      stdout: (text) => void (output.stdout += text),
      stderr: (text) => void (output.stderr += text),
    };
    return { code: await runCli(argv, io), ...output };
  }

  async function organizationNamed(name: string) {
    return t.store.db.selectFrom('organizations').select('id').where('name', '=', name).executeTakeFirst();
  }

  async function signInStatus(email: string, withPassword: string): Promise<number> {
    return (await new Browser(t.app).post('/api/v1/auth/login', { email, password: withPassword })).statusCode;
  }

  it('refuses --admin-password on the command line, saying why and what to use, and creates nothing', async () => {
    const refused = await run(['org', 'create', '--name', 'Argv', '--admin-email', 'argv@argv.example', '--admin-name', 'Arg', '--admin-password', password]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/shell history/);
    expect(refused.stderr).toMatch(/--admin-password-stdin/);
    expect(refused.stderr).toMatch(/TESSERA_ADMIN_PASSWORD/);
    expect(await organizationNamed('Argv')).toBeUndefined();
    const seed = await run(['dev', 'seed', '--members', '0', '--admin-password', password]);
    expect(seed.code).toBe(1);
  });

  it('reads the first line of standard input with --admin-password-stdin; the administrator signs in with it; the password is not echoed', async () => {
    const created = await run(['org', 'create', '--name', 'Stdin', '--admin-email', 'stdin@stdin.example', '--admin-name', 'Sid', '--admin-password-stdin'], { stdin: `${password}\n` });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdinRead).toBe(true);
    expect(created.stdout + created.stderr).not.toContain(password);
    expect(created.stdout).not.toMatch(/accept-invitation/);
    expect(await organizationNamed('Stdin')).toBeDefined();
    expect(await signInStatus('stdin@stdin.example', password)).toBe(200);
    expect(await signInStatus('stdin@stdin.example', `${password}\n`)).toBe(401);
  });

  it('refuses an empty standard input instead of creating an administrator without a password', async () => {
    const refused = await run(['org', 'create', '--name', 'Empty', '--admin-email', 'empty@empty.example', '--admin-name', 'Em', '--admin-password-stdin'], { stdin: '' });
    expect(refused.code).toBe(1);
    expect(await organizationNamed('Empty')).toBeUndefined();
  });

  it('takes TESSERA_ADMIN_PASSWORD from the environment, and reads standard input only when asked', async () => {
    const created = await run(['org', 'create', '--name', 'Env', '--admin-email', 'env@env.example', '--admin-name', 'Eve'], { env: { TESSERA_ADMIN_PASSWORD: password } });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdinRead).toBe(false);
    expect(created.stdout).not.toContain(password);
    expect(await signInStatus('env@env.example', password)).toBe(200);
  });

  it('without either, prints a one-time invitation link as before', async () => {
    const created = await run(['org', 'create', '--name', 'Link', '--admin-email', 'link@link.example', '--admin-name', 'Lin']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdinRead).toBe(false);
    expect(created.stdout).toMatch(/http:\/\/tessera\.test\/accept-invitation\?token=/);
  });
});
