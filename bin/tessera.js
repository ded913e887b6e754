#!/usr/bin/env node
// The `tessera` command. Builds what is missing, then hands over to the compiled CLI.
import { ensureBuilt } from '../scripts/ensure-built.js';

ensureBuilt();
const { runCli } = await import('../dist/src/cli/main.js');
const code = await runCli(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
