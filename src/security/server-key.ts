// The server key: TESSERA_SECRET_KEY in production; elsewhere generated once into the data folder.
// N5: TESSERA_SECRET_KEY may hold several keys separated by commas, the newest first: the newest
// seals and hashes, every one opens (`tessera keys rotate` moves values to the newest).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { keyIdOf, type ServerKey } from './secret-box.js';

export class ServerKeyError extends Error {}

export function parseServerKey(base64: string): ServerKey {
  const material = Buffer.from(base64.trim(), 'base64');
  if (material.length !== 32) throw new ServerKeyError('TESSERA_SECRET_KEY must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`).');
  return { id: keyIdOf(material), material };
}

/** The keys of a comma-separated list, the newest first (base64 has no comma). */
export function parseServerKeys(list: string): ServerKey[] {
  const keys = list.split(',').map(parseServerKey);
  if (new Set(keys.map((key) => key.id)).size !== keys.length) throw new ServerKeyError('TESSERA_SECRET_KEY lists the same key twice.');
  return keys;
}

export interface LoadedServerKey {
  /** The newest key: it seals and hashes. */
  key: ServerKey;
  /** Older keys, still opening what they sealed until `tessera keys rotate` has run. */
  previous: ServerKey[];
  /** Set when the key was generated now, so the caller can warn once. */
  generatedAt?: string;
}

function loaded(keys: ServerKey[], generatedAt?: string): LoadedServerKey {
  return { key: keys[0]!, previous: keys.slice(1), ...(generatedAt ? { generatedAt } : {}) };
}

export function loadServerKey(options: { secretKey: string | undefined; isProduction: boolean; dataDir: string }): LoadedServerKey {
  if (options.secretKey) return loaded(parseServerKeys(options.secretKey));
  if (options.isProduction) throw new ServerKeyError('TESSERA_SECRET_KEY is required when NODE_ENV=production.');
  const path = join(options.dataDir, 'secret.key');
  if (existsSync(path)) return loaded(parseServerKeys(readFileSync(path, 'utf8')));
  mkdirSync(options.dataDir, { recursive: true });
  writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return loaded(parseServerKeys(readFileSync(path, 'utf8')), path);
}
