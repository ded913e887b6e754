// The server key: TESSERA_SECRET_KEY in production; elsewhere generated once into the data folder.
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

export interface LoadedServerKey {
  key: ServerKey;
  /** Set when the key was generated now, so the caller can warn once. */
  generatedAt?: string;
}

export function loadServerKey(options: { secretKey: string | undefined; isProduction: boolean; dataDir: string }): LoadedServerKey {
  if (options.secretKey) return { key: parseServerKey(options.secretKey) };
  if (options.isProduction) throw new ServerKeyError('TESSERA_SECRET_KEY is required when NODE_ENV=production.');
  const path = join(options.dataDir, 'secret.key');
  if (existsSync(path)) return { key: parseServerKey(readFileSync(path, 'utf8')) };
  mkdirSync(options.dataDir, { recursive: true });
  writeFileSync(path, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(path, 0o600);
  return { key: parseServerKey(readFileSync(path, 'utf8')), generatedAt: path };
}
