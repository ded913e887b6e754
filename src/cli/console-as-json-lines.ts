// N4: the server's log is JSON lines. Libraries that print with console.* (oidc-provider warns
// about the Node.js version when it loads) would break that, so the console writes JSON lines too.
// Imported first by the `tessera` command, before any library is loaded.
import { format } from 'node:util';

const levels = { log: 'info', info: 'info', debug: 'debug', warn: 'warn', error: 'error' } as const;

for (const [method, level] of Object.entries(levels) as Array<[keyof typeof levels, string]>) {
  const stream = level === 'warn' || level === 'error' ? process.stderr : process.stdout;
  console[method] = (...args: unknown[]) => {
    stream.write(JSON.stringify({ level, time: new Date().toISOString(), msg: format(...args) }) + '\n');
  };
}
