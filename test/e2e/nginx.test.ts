// O8 end to end: Debian's nginx-light in front of a small application, asking Tessera
// (auth_request → GET /api/v1/auth/verify) on every request, the way examples/nginx/protected-app.conf
// does. Chromium opens the application, is sent to Tessera's sign-in page with ?return_to=, signs
// in, and comes back to the application, which sees who signed in in the X-Tessera-* headers.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, newPerson, type Person } from './support/browser.js';
import { delay } from './support/pages.js';
import { findFreePort, startServer, type RunningServer } from './support/server.js';

const nginxPath = process.env.TESSERA_E2E_NGINX ?? '/usr/sbin/nginx';
const exampleConfig = fileURLToPath(new URL('../../examples/nginx/protected-app.conf', import.meta.url));
const run = Date.now().toString(36);
const member = { organization: 'Hooli', name: 'Gavin Belson', email: `gavin.${run}@hooli.test`, password: 'consider the elephant' };

/** The example's server block, made to listen on a loopback port over plain HTTP. */
async function nginxConfig(prefix: string, port: number, tessera: string, upstream: string): Promise<string> {
  const example = await readFile(exampleConfig, 'utf8');
  const serverBlock = example
    .replace(/^#.*$/gm, '')
    .replace('listen 8443 ssl;', `listen 127.0.0.1:${port};`)
    .replace('server_name auth.example.com;', 'server_name 127.0.0.1;')
    .replaceAll('TESSERA', tessera)
    .replaceAll('UPSTREAM', upstream);
  return `daemon off;
master_process off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  ${serverBlock}
}
`;
}

describe.skipIf(!existsSync(nginxPath))('Behind nginx auth_request (O8)', () => {
  let server: RunningServer;
  let browser: Browser;
  let person: Person;
  let upstream: Server;
  let nginx: ChildProcess;
  let prefix: string;
  let appUrl: string;

  beforeAll(async () => {
    server = await startServer();
    upstream = createServer((request, response) => {
      response.setHeader('content-type', 'text/plain');
      response.end(`Hello ${request.headers['x-tessera-email'] ?? 'nobody'} (${request.headers['x-tessera-amr'] ?? ''}) at ${request.url}`);
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const port = await findFreePort();
    prefix = await mkdtemp(join(tmpdir(), 'tessera-nginx-'));
    await mkdir(join(prefix, 'body'));
    await writeFile(join(prefix, 'nginx.conf'), await nginxConfig(prefix, port, server.baseUrl, `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`));
    nginx = spawn(nginxPath, ['-p', prefix, '-c', join(prefix, 'nginx.conf')], { stdio: 'ignore' });
    appUrl = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 50; i++) {
      try {
        await fetch(appUrl, { redirect: 'manual' });
        break;
      } catch {
        await delay(100);
      }
    }
    browser = await launchBrowser();
    person = await newPerson(browser, server.baseUrl);
  });

  afterAll(async () => {
    await browser?.close();
    nginx?.kill('SIGTERM');
    await new Promise((resolve) => upstream?.close(resolve));
    await server?.stop();
    if (prefix) await rm(prefix, { recursive: true, force: true });
  });

  it('O8: nginx refuses an unsigned request; Tessera’s sign-in returns to the application, which sees the member', async () => {
    const unsigned = await fetch(`${appUrl}/reports?year=2026`, { redirect: 'manual' });
    expect(unsigned.status).toBe(302);
    expect(unsigned.headers.get('location')).toBe(`${server.baseUrl}/login?return_to=${appUrl}/reports?year=2026`);

    const { page } = person;
    await page.goto('/signup');
    await page.getByLabel('Organization name').fill(member.organization);
    await page.getByLabel('Your name').fill(member.name);
    await page.getByLabel('E-mail').fill(member.email);
    await page.getByLabel('Password', { exact: true }).fill(member.password);
    await page.getByRole('button', { name: 'Create organization' }).click();
    await page.waitForURL('**/settings');
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL('**/login');

    await page.goto(`${appUrl}/reports`);
    await page.waitForURL(/\/login\?return_to=/);
    await page.getByLabel('E-mail').fill(member.email);
    await page.getByLabel('Password', { exact: true }).fill(member.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForURL(`${appUrl}/reports`);
    expect(await page.textContent('body')).toBe(`Hello ${member.email} (pwd) at /reports`);

    // Signed in, an address elsewhere is ignored: the sign-in page goes to Tessera's own settings.
    await page.goto(`${server.baseUrl}/login?return_to=${encodeURIComponent('https://evil.example.com/')}`);
    await page.waitForURL(`${server.baseUrl}/settings`);
  });
});
