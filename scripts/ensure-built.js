// Builds the server (tsc) and the web UI (vite) when their output is missing or older than the
// sources, so `npm start` and `npx tessera …` work straight after `npm install`.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newestModification(paths) {
  let newest = 0;
  for (const path of paths) {
    const full = join(root, path);
    if (!existsSync(full)) continue;
    const stat = statSync(full);
    if (stat.isDirectory()) {
      newest = Math.max(newest, newestModification(readdirSync(full).map((name) => join(path, name))));
    } else {
      newest = Math.max(newest, stat.mtimeMs);
    }
  }
  return newest;
}

function isStale(output, sources) {
  const outputPath = join(root, output);
  return !existsSync(outputPath) || statSync(outputPath).mtimeMs < newestModification(sources);
}

function run(label, script, args) {
  process.stderr.write(`tessera: building ${label}…\n`);
  const result = spawnSync(process.execPath, [join(root, script), ...args], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    process.stderr.write(`tessera: building ${label} failed.\n`);
    process.exit(result.status ?? 1);
  }
}

export function ensureBuilt() {
  if (isStale('dist/src/cli/main.js', ['src', 'tsconfig.json', 'tsconfig.build.json'])) {
    run('the server', 'node_modules/typescript/bin/tsc', ['-p', 'tsconfig.build.json']);
  }
  if (existsSync(join(root, 'web/index.html')) && isStale('dist/web/index.html', ['web/src', 'web/index.html', 'web/vite.config.ts', 'src/core/errors.ts'])) {
    run('the web interface', 'node_modules/vite/bin/vite.js', ['build', '--config', 'web/vite.config.ts', '--logLevel', 'warn']);
  }
}
