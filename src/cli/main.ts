// The `tessera` command: serve, migrate, development seed, and the operator commands (M6).
// Before anything else: libraries may print while they load (N4).
import './console-as-json-lines.js';
import { readConfig } from '../config.js';
import { checkConfiguration, describeConfiguration } from './config-check.js';
import { isId } from '../core/ids.js';
import { memberRowView } from '../http/views.js';
import type { MailLogger } from '../mail/mailer.js';
import { consoleLogger, openRuntime, startServer } from '../main.js';
import { rotateSigningKeys } from '../oidc/signing-keys.js';
import { seedOrganization } from '../services/dev-seed.js';
import { rotateServerKey } from '../services/key-rotation.js';
import type { Failure } from '../services/context.js';
import { createOrganizationAsOperator, listMembersAsOperator, resetTwoFactorByEmailAsOperator } from '../services/operator.js';
import { openStore } from '../store/database.js';
import { migrateDown, migrateToLatest } from '../store/migrator.js';

const usage = `Usage: tessera <command>

Commands:
  serve            run migrations and serve the API and web interface
  config check     read the environment as the server does: print the effective settings
                   (secrets masked), or each mistake, and exit non-zero on any
  migrate          bring the database schema up to date
  migrate:down     undo the most recent migration
  org create --name N --admin-email E --admin-name A [--admin-password-stdin]
                   create an organization and its first administrator: with a password (the
                   first line of standard input with --admin-password-stdin, or the environment
                   variable TESSERA_ADMIN_PASSWORD), the administrator can sign in at once;
                   without, a one-time invitation link is printed
  users list --org ID [--json]
                   list an organization's members (a table, or JSON)
  users reset-2fa --email E
                   remove every second factor and recovery code of the member with this address
  oidc rotate-keys  add a new OpenID Connect signing key (ES256); the previous keys stay published
                   for a day, until the tokens they signed have expired (restart the servers
                   to sign with the new key)
  keys rotate [--batch-size N]
                   re-seal every sealed value (authenticator secrets, recovery codes, phone
                   numbers, OpenID Connect signing keys) under the first key of TESSERA_SECRET_KEY,
                   in batches while the servers keep serving; prints the counts and whether the
                   older keys can now be removed
  dev seed --members N [--org NAME] [--admin-email E] [--admin-password-stdin]
                   create an organization with N members for development (not in production);
                   the administrator's password as for org create, else "seed administrator"

A password is never taken from the command line, where the shell history and the process list
would keep it.

Operator commands write an audit event with actor type "operator".
`;

/** Where the command reads its environment and writes its output (tests pass their own). */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  /** All of standard input, read only when a command asks for it (--admin-password-stdin). */
  readStdin(): Promise<string>;
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: CliIo = {
  env: process.env,
  async readStdin() {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  },
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command] = argv;
  switch (command) {
    case 'serve': {
      // N6: the same checks as `tessera config check`, with the same messages.
      const report = await checkConfiguration(io.env);
      if (!report.config || report.problems.length > 0) {
        io.stderr(`Tessera cannot start:\n${report.problems.map((problem) => `  - ${problem}`).join('\n')}\nRun \`tessera config check\` after fixing the environment.\n`);
        return 1;
      }
      await startServer(report.config);
      return -1; // keeps running
    }
    case 'config':
      return runConfigCommand(argv.slice(1), io);
    case 'migrate':
    case 'migrate:down': {
      const store = openStore(readConfig(io.env).databaseUrl);
      try {
        const results = command === 'migrate' ? await migrateToLatest(store.db) : await migrateDown(store.db);
        io.stdout(results.length ? results.join('\n') + '\n' : 'The database is up to date.\n');
        return 0;
      } finally {
        await store.close();
      }
    }
    case 'org':
      return runOrganizationCommand(argv.slice(1), io);
    case 'users':
      return runUsersCommand(argv.slice(1), io);
    case 'dev':
      return runDevCommand(argv.slice(1), io);
    case 'oidc':
      return runOidcCommand(argv.slice(1), io);
    case 'keys':
      return runKeysCommand(argv.slice(1), io);
    case undefined:
    case 'help':
    case '--help':
      io.stdout(usage);
      return command === undefined ? 1 : 0;
    default:
      io.stderr(`Unknown command: ${command}\n\n${usage}`);
      return 1;
  }
}

/** `--name value` pairs, plus the named switches (flags without a value); anything else is an error. */
function parseFlags(argv: string[], switches: readonly string[] = []): Map<string, string> | string {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!;
    if (!name.startsWith('--')) return `Expected --name value pairs, got "${name}".`;
    if (switches.includes(name.slice(2))) {
      flags.set(name.slice(2), 'true');
      continue;
    }
    const value = argv[i + 1];
    if (value === undefined) return `Expected --name value pairs, got "${name}".`;
    flags.set(name.slice(2), value);
    i++;
  }
  return flags;
}

const passwordSwitches = ['admin-password-stdin'];

/**
 * Issue 10 item 10: the administrator's password comes from standard input (its first line) or
 * TESSERA_ADMIN_PASSWORD, never from the arguments, which shell history and `ps` show to others.
 */
async function readAdminPassword(flags: Map<string, string>, io: CliIo): Promise<{ ok: true; password: string | undefined } | { ok: false; message: string }> {
  if (flags.has('admin-password')) {
    return { ok: false, message: '--admin-password is not accepted: a password on the command line lands in the shell history and the process list. Pipe it with --admin-password-stdin, or set TESSERA_ADMIN_PASSWORD.' };
  }
  if (flags.has('admin-password-stdin')) {
    const password = (await io.readStdin()).split(/\r?\n/)[0] ?? '';
    if (password === '') return { ok: false, message: '--admin-password-stdin read no password from standard input.' };
    return { ok: true, password };
  }
  return { ok: true, password: io.env.TESSERA_ADMIN_PASSWORD || undefined };
}

function usageError(io: CliIo, message: string): number {
  io.stderr(`${message}\n\n${usage}`);
  return 1;
}

function failureMessage(failure: Failure): string {
  return failure.detail ?? failure.fieldErrors?.map((e) => `--${e.field}: ${e.message}`).join('\n') ?? failure.code;
}

/** Operator commands log to stderr, so stdout carries only the answer (e.g. JSON). */
function stderrLogger(io: CliIo): MailLogger & { warn(object: object, message: string): void } {
  const write = (level: string) => (object: object, message: string) => io.stderr(JSON.stringify({ level, time: new Date().toISOString(), msg: message, ...object }) + '\n');
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

async function withRuntime(io: CliIo, run: (runtime: Awaited<ReturnType<typeof openRuntime>>) => Promise<number>): Promise<number> {
  const runtime = await openRuntime(readConfig(io.env), stderrLogger(io));
  try {
    return await run(runtime);
  } finally {
    await runtime.close();
  }
}

/** N5: `tessera keys rotate`; exits 1 while something is left under an older key. */
async function runKeysCommand(argv: string[], io: CliIo): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand !== 'rotate') return usageError(io, `Unknown command: keys ${subcommand ?? ''}`.trim());
  const flags = parseFlags(rest);
  if (typeof flags === 'string') return usageError(io, flags);
  const batchSize = flags.has('batch-size') ? Number(flags.get('batch-size')) : 500;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) return usageError(io, '--batch-size must be an integer from 1 to 10000.');
  if ([...flags.keys()].some((name) => name !== 'batch-size')) return usageError(io, 'keys rotate takes only --batch-size.');
  return withRuntime(io, async (runtime) => {
    const report = await rotateServerKey(runtime.context, { batchSize });
    io.stdout(`Newest key: ${report.keyId}\n`);
    io.stdout(formatTable(['SEALED VALUES', 'RE-SEALED', 'CHANGED MEANWHILE', 'UNREADABLE', 'LEFT UNDER OLDER KEYS'], report.tables.map((t) => [t.table, String(t.resealed), String(t.changedMeanwhile), String(t.unreadable), String(t.remaining)])));
    if (report.applicationSecrets > 0) {
      io.stdout(
        `${report.applicationSecrets} confidential application${report.applicationSecrets === 1 ? '' : 's'}: a client secret is kept only as a keyed hash and cannot be re-hashed. ` +
          'A secret made before the newest key was added stops working when the older key is removed: give those applications a new secret first (Applications → New secret).\n',
      );
    }
    if (!report.complete) {
      const unreadable = report.tables.some((t) => t.unreadable > 0);
      io.stdout(
        `Values remain under older keys: keep the older keys in TESSERA_SECRET_KEY. ${unreadable ? 'Some are sealed under a key that is not loaded: add that key after the first one and run again. ' : ''}Run \`tessera keys rotate\` again.\n`,
      );
      return 1;
    }
    io.stdout('Nothing is sealed under an older key any more: remove the older keys from TESSERA_SECRET_KEY and restart the servers (wait 5 minutes after the restart that added the new key, so no texted code hashed under an older one is still waiting).\n');
    return 0;
  });
}

async function runConfigCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv.length !== 1 || argv[0] !== 'check') return usageError(io, `Unknown command: config ${argv.join(' ')}`.trim());
  const report = await checkConfiguration(io.env);
  if (report.config) {
    const rows = describeConfiguration(report.config, io.env);
    io.stdout(formatTable(['SETTING', 'VALUE'], rows.map(([name, value]) => [name, value])));
  }
  if (report.problems.length > 0) {
    io.stderr(`${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}:\n${report.problems.map((problem) => `  - ${problem}`).join('\n')}\n`);
    return 1;
  }
  io.stdout('The configuration is valid and the database answers.\n');
  return 0;
}

async function runOrganizationCommand(argv: string[], io: CliIo): Promise<number> {
  const [subcommand, ...rest] = argv;
  const flags = parseFlags(rest, passwordSwitches);
  if (subcommand !== 'create') return usageError(io, `Unknown command: org ${subcommand ?? ''}`.trim());
  if (typeof flags === 'string') return usageError(io, flags);
  const name = flags.get('name');
  const adminEmail = flags.get('admin-email');
  const adminName = flags.get('admin-name');
  if (name === undefined || adminEmail === undefined || adminName === undefined) return usageError(io, 'org create needs --name, --admin-email and --admin-name.');
  const adminPassword = await readAdminPassword(flags, io);
  if (!adminPassword.ok) return usageError(io, adminPassword.message);
  return withRuntime(io, async (runtime) => {
    const result = await createOrganizationAsOperator(runtime.context, { name, adminEmail, adminName, adminPassword: adminPassword.password });
    if (!result.ok) {
      io.stderr(`${failureMessage(result)}\n`);
      return 1;
    }
    const { created } = result;
    io.stdout(`Created organization ${created.organizationId}.\n`);
    if (created.invitationLink) io.stdout(`Send this one-time link to ${created.adminEmail} to set a password (valid for 7 days):\n${created.invitationLink}\n`);
    else io.stdout(`${created.adminEmail} can sign in as administrator with the given password.\n`);
    return 0;
  });
}

async function runUsersCommand(argv: string[], io: CliIo): Promise<number> {
  const [subcommand, ...rest] = argv;
  const flags = parseFlags(rest, subcommand === 'list' ? ['json'] : []);
  if (typeof flags === 'string') return usageError(io, flags);
  switch (subcommand) {
    case 'list': {
      const organizationId = flags.get('org');
      if (organizationId === undefined || !isId(organizationId)) return usageError(io, 'users list needs --org with an organization id.');
      const asJson = flags.has('json');
      return withRuntime(io, async (runtime) => {
        const rows: string[][] = [];
        let first = true;
        const result = await listMembersAsOperator(runtime.context, organizationId, (members, organization) => {
          for (const member of members) {
            const row = memberRowView(member, organization);
            if (asJson) {
              io.stdout(`${first ? '[\n' : ',\n'}${JSON.stringify(row)}`);
              first = false;
            } else {
              rows.push([row.id, row.email, row.name, row.role, row.twoFactor.status, row.twoFactor.required ? `yes (${row.twoFactor.requiredBy})` : 'no', row.lastLogin ? `${row.lastLogin.at}${row.lastLogin.withTwoFactor ? ' (2FA)' : ''}` : 'never']);
            }
          }
        });
        if (!result.ok) {
          io.stderr(`${failureMessage(result)}\n`);
          return 1;
        }
        if (asJson) io.stdout(first ? '[]\n' : '\n]\n');
        else io.stdout(formatTable(['ID', 'E-MAIL', 'NAME', 'ROLE', '2FA', 'REQUIRED', 'LAST SIGN-IN'], rows) + `${result.count} member${result.count === 1 ? '' : 's'} in ${result.organization.name}.\n`);
        return 0;
      });
    }
    case 'reset-2fa': {
      const email = flags.get('email');
      if (email === undefined) return usageError(io, 'users reset-2fa needs --email.');
      return withRuntime(io, async (runtime) => {
        const result = await resetTwoFactorByEmailAsOperator(runtime.context, email);
        if (!result.ok) {
          io.stderr(`${failureMessage(result)}\n`);
          return 1;
        }
        io.stdout(result.changed ? `Two-factor authentication of ${result.member.email} was reset; they were e-mailed.\n` : `${result.member.email} had no second factor; nothing changed.\n`);
        return 0;
      });
    }
    default:
      return usageError(io, `Unknown command: users ${subcommand ?? ''}`.trim());
  }
}

function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd() + '\n';
  return [header, ...rows].map(line).join('');
}

async function runDevCommand(argv: string[], io: CliIo): Promise<number> {
  const [subcommand, ...rest] = argv;
  const flags = parseFlags(rest, passwordSwitches);
  if (subcommand !== 'seed' || typeof flags === 'string') {
    io.stderr(`${typeof flags === 'string' ? flags + '\n\n' : ''}${usage}`);
    return 1;
  }
  const members = Number(flags.get('members') ?? '1000');
  if (!Number.isSafeInteger(members) || members < 0 || members > 1_000_000) {
    io.stderr('--members must be a whole number from 0 to 1000000.\n');
    return 1;
  }
  const givenPassword = await readAdminPassword(flags, io);
  if (!givenPassword.ok) {
    io.stderr(`${givenPassword.message}\n`);
    return 1;
  }
  const config = readConfig(io.env);
  const runtime = await openRuntime(config, consoleLogger(config.logLevel));
  try {
    const adminPassword = givenPassword.password ?? 'seed administrator';
    const result = await seedOrganization(runtime.context, { members, organizationName: flags.get('org') ?? 'Seeded Organization', adminEmail: flags.get('admin-email'), adminPassword });
    const passwordHint = givenPassword.password === undefined ? `the password "${adminPassword}"` : 'the password you gave';
    io.stdout(`Created organization ${result.organizationId} with ${result.members} members.\nSign in as ${result.adminEmail} with ${passwordHint}.\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}

/** O2: `tessera oidc rotate-keys`. */
async function runOidcCommand(argv: string[], io: CliIo): Promise<number> {
  const [subcommand] = argv;
  if (subcommand !== 'rotate-keys' || argv.length !== 1) return usageError(io, `Unknown command: oidc ${argv.join(' ')}`.trim());
  return withRuntime(io, async (runtime) => {
    const { kid, removed } = await rotateSigningKeys(runtime.context, runtime.context.clock.now().getTime());
    io.stdout(`New signing key ${kid}; the previous keys stay published for 24 hours${removed > 0 ? ` (${removed} expired key${removed === 1 ? '' : 's'} removed)` : ''}. Restart the servers to sign with it.\n`);
    return 0;
  });
}
