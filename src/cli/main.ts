// The `tessera` command: serve, migrate (more subcommands arrive with M6).
import { readConfig } from '../config.js';
import { openStore } from '../store/database.js';
import { migrateDown, migrateToLatest } from '../store/migrator.js';
import { startServer } from '../main.js';

const usage = `Usage: tessera <command>

Commands:
  serve            run migrations and serve the API and web interface
  migrate          bring the database schema up to date
  migrate:down     undo the most recent migration
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
