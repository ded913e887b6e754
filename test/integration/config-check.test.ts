// N6: `tessera config check` reads the environment as the server does, prints the effective
// settings with secrets masked, names every mistake, and exits non-zero; `tessera serve` refuses
// to start on the same mistakes with the same messages.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../../src/cli/main.js';
import { createTestDatabase, testDatabaseKind, type TestDatabase } from '../support/test-database.js';

const secretKey = Buffer.alloc(32, 42).toString('base64');

describe(`tessera config check on ${testDatabaseKind}`, () => {
  let database: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    dataDir = mkdtempSync(join(tmpdir(), 'tessera-config-'));
  });
  afterAll(async () => {
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function run(argv: string[], env: NodeJS.ProcessEnv) {
    const output = { stdout: '', stderr: '' };
    const io: CliIo = { env, readStdin: async () => '', stdout: (text) => void (output.stdout += text), stderr: (text) => void (output.stderr += text) };
    return { code: await runCli(argv, io), ...output };
  }

  it('N6 a valid environment: the effective settings with every secret masked, exit 0', async () => {
    const env = {
      DATABASE_URL: database.url,
      TESSERA_DATA_DIR: dataDir,
      TESSERA_SECRET_KEY: secretKey,
      PUBLIC_URL: 'https://auth.example.com',
      SMTP_URL: 'smtp://mailer:smtp-password-123@127.0.0.1:2525',
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: 'AC123',
      TWILIO_AUTH_TOKEN: 'twilio-token-456',
      TWILIO_FROM: '+15005550006',
      REDIS_URL: 'redis://:redis-password-789@127.0.0.1:6379',
    };
    const checked = await run(['config', 'check'], env);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toMatch(/PUBLIC_URL\s+https:\/\/auth\.example\.com\//);
    expect(checked.stdout).toMatch(/TESSERA_SECRET_KEY\s+•••• \(set/);
    expect(checked.stdout).toContain('The configuration is valid and the database answers.');
    for (const secret of [secretKey, 'smtp-password-123', 'twilio-token-456', 'redis-password-789']) expect(checked.stdout + checked.stderr, secret).not.toContain(secret);
  });

  it('N6 names every mistake at once and exits 1; `serve` refuses to start with the same messages', async () => {
    const env = {
      DATABASE_URL: 'mysql://db.example.com/tessera',
      TESSERA_DATA_DIR: dataDir,
      TESSERA_SECRET_KEY: 'not-a-key',
      PUBLIC_URL: 'ftp://auth.example.com',
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: 'AC123',
      PORT: '99999',
      LOG_LEVEL: 'loud',
    };
    const checked = await run(['config', 'check'], env);
    expect(checked.code).toBe(1);
    const expected = [/PORT must be an integer from 0 to 65535/, /PUBLIC_URL must start with http:\/\/ or https:\/\//, /DATABASE_URL must be a SQLite file path or a postgres:\/\/ URL/, /SMS_PROVIDER=twilio needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM/, /TESSERA_SECRET_KEY must be 32 bytes/, /LOG_LEVEL must be one of/];
    for (const message of expected) expect(checked.stderr).toMatch(message);
    expect(checked.stderr).toMatch(/^6 problems:/);
    expect(checked.stderr).not.toContain('not-a-key');

    const served = await run(['serve'], env);
    expect(served.code).toBe(1);
    for (const message of expected) expect(served.stderr).toMatch(message);
  });

  it('SESSION_CACHE: on by default, 0 turns it off, anything else is named as a mistake', async () => {
    const env = { DATABASE_URL: database.url, TESSERA_DATA_DIR: dataDir, TESSERA_SECRET_KEY: secretKey };
    expect((await run(['config', 'check'], env)).stdout).toMatch(/SESSION_CACHE\s+on \(/);
    expect((await run(['config', 'check'], { ...env, SESSION_CACHE: '0' })).stdout).toMatch(/SESSION_CACHE\s+off \(/);
    const wrong = await run(['config', 'check'], { ...env, SESSION_CACHE: 'yes' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('SESSION_CACHE must be 1 (on) or 0 (off).');
  });

  it('N6 a production server without a key, and a PostgreSQL server that does not answer, are errors', async () => {
    const missingKey = await run(['config', 'check'], { NODE_ENV: 'production', DATABASE_URL: database.url, TESSERA_DATA_DIR: dataDir });
    expect(missingKey.code).toBe(1);
    expect(missingKey.stderr).toMatch(/TESSERA_SECRET_KEY is required when NODE_ENV=production/);

    const unreachable = await run(['config', 'check'], { DATABASE_URL: 'postgres://tessera:db-password-000@127.0.0.1:1/tessera', TESSERA_DATA_DIR: dataDir, TESSERA_SECRET_KEY: secretKey });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/DATABASE_URL: PostgreSQL at postgres:\/\/tessera:••••@127\.0\.0\.1:1\/tessera did not answer/);
    expect(unreachable.stdout + unreachable.stderr).not.toContain('db-password-000');
    const served = await run(['serve'], { DATABASE_URL: 'postgres://tessera:db-password-000@127.0.0.1:1/tessera', TESSERA_DATA_DIR: dataDir, TESSERA_SECRET_KEY: secretKey });
    expect(served.code).toBe(1);
    expect(served.stderr).toMatch(/did not answer/);
  });

  it('N6 a SQLite file in a folder that cannot be created is an error', async () => {
    const notAFolder = join(dataDir, 'a-file');
    writeFileSync(notAFolder, 'not a folder');
    const checked = await run(['config', 'check'], { DATABASE_URL: join(notAFolder, 'tessera.db'), TESSERA_DATA_DIR: dataDir });
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain(`the SQLite file ${join(notAFolder, 'tessera.db')} cannot be opened or created`);
  });

  it('N5 several keys, newest first: a valid list is masked with its count; each malformed entry is named, never shown', async () => {
    const other = Buffer.alloc(32, 7).toString('base64');
    const listed = await run(['config', 'check'], { DATABASE_URL: database.url, TESSERA_DATA_DIR: dataDir, TESSERA_SECRET_KEY: `${other},${secretKey}` });
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/TESSERA_SECRET_KEY\s+•••• \(set, 2 keys: the first seals, all open\)/);
    expect(listed.stdout).not.toContain(other);

    const bad = await run(['config', 'check'], { DATABASE_URL: database.url, TESSERA_DATA_DIR: dataDir, TESSERA_SECRET_KEY: `${other},,short-key,${other}` });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('TESSERA_SECRET_KEY (several keys, separated by commas, the newest first): key 2 is empty; key 3 must be 32 bytes, base64-encoded');
    expect(bad.stderr).toContain('key 4 repeats an earlier key');
    expect(bad.stderr).not.toContain(other);
    expect(bad.stderr).not.toContain('short-key');
  });
});
