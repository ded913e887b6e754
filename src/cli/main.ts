// The `tessera` command: serve, migrate (more subcommands arrive with M6).
import { readConfig } from '../config.js';
import { openStore } from '../store/database.js';
import { migrateDown, migrateToLatest } from '../store/migrator.js';
import { consoleLogger, openRuntime, startServer } from '../main.js';
import { seedOrganization } from '../services/dev-seed.js';

const usage = `Usage: tessera <command>

Commands:
  serve            run migrations and serve the API and web interface
  migrate          bring the database schema up to date
  migrate:down     undo the most recent migration
  dev seed --members N [--org NAME] [--admin-email E] [--admin-password P]
                   create an organization with N members for development (not in production)
`;

export async function runCli(argv: string[]): Promise<number> {
  const [command] = argv;
  switch (command) {
    case 'serve':
      await startServer(readConfig());
      return -1; // keeps running
    case 'migrate':
    case 'migrate:down': {
      const store = openStore(readConfig().databaseUrl);
      try {
        const results = command === 'migrate' ? await migrateToLatest(store.db) : await migrateDown(store.db);
        process.stdout.write(results.length ? results.join('\n') + '\n' : 'The database is up to date.\n');
        return 0;
      } finally {
        await store.close();
      }
    }
    case 'dev':
      return runDevCommand(argv.slice(1));
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(usage);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`Unknown command: ${command}\n\n${usage}`);
      return 1;
  }
}

/** `--name value` pairs; a flag without a value is an error. */
function parseFlags(argv: string[]): Map<string, string> | string {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i]!;
    const value = argv[i + 1];
    if (!name.startsWith('--') || value === undefined) return `Expected --name value pairs, got "${name}".`;
    flags.set(name.slice(2), value);
  }
  return flags;
}

async function runDevCommand(argv: string[]): Promise<number> {
  const [subcommand, ...rest] = argv;
  const flags = parseFlags(rest);
  if (subcommand !== 'seed' || typeof flags === 'string') {
    process.stderr.write(`${typeof flags === 'string' ? flags + '\n\n' : ''}${usage}`);
    return 1;
  }
  const members = Number(flags.get('members') ?? '1000');
  if (!Number.isSafeInteger(members) || members < 0 || members > 1_000_000) {
    process.stderr.write('--members must be a whole number from 0 to 1000000.\n');
    return 1;
  }
  const config = readConfig();
  const runtime = await openRuntime(config, consoleLogger());
  try {
    const adminPassword = flags.get('admin-password') ?? 'seed administrator';
    const result = await seedOrganization(runtime.context, { members, organizationName: flags.get('org') ?? 'Seeded Organization', adminEmail: flags.get('admin-email'), adminPassword });
    process.stdout.write(`Created organization ${result.organizationId} with ${result.members} members.\nSign in as ${result.adminEmail} with the password "${adminPassword}".\n`);
    return 0;
  } finally {
    await runtime.close();
  }
}
