// A helper for profiling (not part of `npm run bench`): starts Tessera on a fresh SQLite database
// (or PROFILE_DATABASE_URL) with `node --cpu-prof`, seeds members mid-sign-in and drives valid (or
// wrong, PROFILE_WRONG=1) second steps, or with PROFILE_SCENARIO=session|verify the session check
// with the cookie one of them got, for PROFILE_SECONDS; the profile lands in PROFILE_DIR (default /tmp).
// `node dist/bench/profile.js`
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { generateTotp } from '../src/core/totp.js';
import { nodeHmac } from '../src/security/hmac.js';
import { freePort, startNode, stop, waitFor } from './measure.js';
import { seedMembersMidSignIn } from './seed-two-factor.js';

const dataDir = mkdtempSync(join(tmpdir(), 'tessera-profile-'));
const databaseUrl = process.env.PROFILE_DATABASE_URL ?? join(dataDir, 'tessera.db');
const serverKeyBase64 = Buffer.alloc(32, 7).toString('base64');
const port = await freePort();
const seconds = Number(process.env.PROFILE_SECONDS ?? 8);
const wrong = process.env.PROFILE_WRONG === '1';
const server = startNode(['--cpu-prof', `--cpu-prof-dir=${process.env.PROFILE_DIR ?? '/tmp'}`, 'bin/tessera.js', 'serve'], {
  env: { PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: `http://127.0.0.1:${port}`, DATABASE_URL: databaseUrl, TESSERA_DATA_DIR: dataDir, NODE_ENV: 'production', TESSERA_SECRET_KEY: serverKeyBase64, LOG_LEVEL: 'warn' },
});
try {
  await waitFor(`http://127.0.0.1:${port}/healthz`);
  const members = await seedMembersMidSignIn({ databaseUrl, serverKeyBase64, passwordHash: 'unused', count: process.env.PROFILE_SCENARIO && process.env.PROFILE_SCENARIO !== 'second-step' ? 1 : 4000 * seconds, label: `p${Date.now()}` });
  let next = 0;
  const scenario = process.env.PROFILE_SCENARIO ?? 'second-step';
  if (scenario !== 'second-step') {
    const first = members[next++]!;
    const signedIn = await fetch(`http://127.0.0.1:${port}/api/v1/auth/two-factor`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: `tessera_challenge=${first.challengeToken}` }, body: JSON.stringify({ code: generateTotp(nodeHmac, first.secret, Date.now()) }) });
    const cookie = signedIn.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('tessera_session='))!;
    const path = scenario === 'verify' ? '/api/v1/auth/verify' : '/api/v1/session';
    const result = await autocannon({ url: `http://127.0.0.1:${port}${path}`, connections: 32, duration: seconds, headers: { cookie } });
    console.log(`${path}: ${Math.round(result.requests.average)}/s p50 ${result.latency.p50} p99 ${result.latency.p99}`, result.statusCodeStats);
  } else {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 32,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/api/v1/auth/two-factor',
        setupRequest: (request) => {
          const member = members[wrong ? Math.floor(next / 4) : next]!;
          next++;
          const code = generateTotp(nodeHmac, member.secret, Date.now());
          return { ...request, headers: { 'content-type': 'application/json', cookie: `tessera_challenge=${member.challengeToken}` }, body: JSON.stringify({ code: wrong ? String((Number(code) + 500_000) % 1_000_000).padStart(6, '0') : code }) };
        },
      },
    ],
  });
  console.log(`${Math.round(result.requests.average)}/s p50 ${result.latency.p50} p99 ${result.latency.p99}`, result.statusCodeStats);
  }
} finally {
  await stop(server);
  rmSync(dataDir, { recursive: true, force: true });
}
