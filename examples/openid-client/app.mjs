/* global process, console, URL, URLSearchParams */
// A relying party for Tessera (O1–O6) in one file: Node's http server and openid-client 6.
//
//   TESSERA_ISSUER=http://localhost:3000 CLIENT_ID=… CLIENT_SECRET=… node examples/openid-client/app.mjs
//
// Register it first under Administration → Applications: confidential, redirect URI
// http://localhost:4000/callback, address after sign-out http://localhost:4000/, and (optional)
// back-channel logout URI http://localhost:4000/backchannel-logout.
// The session here is an in-memory map keyed by a cookie: an example, not production code.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import * as client from 'openid-client';

const issuer = new URL(process.env.TESSERA_ISSUER ?? 'http://localhost:3000');
const port = Number(process.env.PORT ?? 4000);
const base = `http://localhost:${port}`;
const clientId = process.env.CLIENT_ID;
const clientSecret = process.env.CLIENT_SECRET;
if (!clientId || !clientSecret) throw new Error('Set CLIENT_ID and CLIENT_SECRET (Administration → Applications).');

// http:// only for a Tessera on this machine; use https:// anywhere else.
const options = issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : undefined;
const config = await client.discovery(issuer, clientId, clientSecret, client.ClientSecretBasic(clientSecret), options);

/** sid → { verifier, state } while signing in, then { tokens, claims }. */
const sessions = new Map();

function sessionOf(request, response) {
  const sid = /(?:^|;\s*)rp_session=([A-Za-z0-9_-]+)/.exec(request.headers.cookie ?? '')?.[1];
  if (sid && sessions.has(sid)) return sessions.get(sid);
  const fresh = randomBytes(16).toString('base64url');
  response.setHeader('set-cookie', `rp_session=${fresh}; HttpOnly; SameSite=Lax; Path=/`);
  const session = {};
  sessions.set(fresh, session);
  return session;
}

function html(response, body) {
  response.setHeader('content-type', 'text/html; charset=utf-8');
  response.end(`<!doctype html><meta charset="utf-8"><title>Example application</title>${body}`);
}

const escape = (text) => String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

createServer(async (request, response) => {
  const url = new URL(request.url, base);
  const session = sessionOf(request, response);
  try {
    switch (url.pathname) {
      case '/': {
        if (!session.claims) return html(response, '<p>Not signed in. <a href="/login">Sign in with Tessera</a> · <a href="/login?mfa=1">…with two factors</a></p>');
        const { email, name, org_name: organization, amr, acr } = session.claims;
        return html(response, `<p>Signed in as ${escape(name)} &lt;${escape(email)}&gt; of ${escape(organization)}, with ${escape(amr.join(' + '))} (${escape(acr)}).</p><pre>${escape(JSON.stringify(session.claims, null, 2))}</pre><p><a href="/refresh">Refresh the tokens</a> · <a href="/logout">Sign out</a></p>`);
      }
      case '/login': {
        session.verifier = client.randomPKCECodeVerifier();
        session.state = client.randomState();
        const parameters = {
          redirect_uri: `${base}/callback`,
          scope: 'openid email profile',
          code_challenge: await client.calculatePKCECodeChallenge(session.verifier),
          code_challenge_method: 'S256',
          state: session.state,
          // O5: ask Tessera for a second factor even inside an existing session.
          ...(url.searchParams.has('mfa') ? { acr_values: 'urn:tessera:acr:mfa' } : {}),
        };
        response.writeHead(302, { location: client.buildAuthorizationUrl(config, parameters).href });
        return response.end();
      }
      case '/callback': {
        session.tokens = await client.authorizationCodeGrant(config, url, { pkceCodeVerifier: session.verifier, expectedState: session.state });
        session.claims = session.tokens.claims();
        response.writeHead(302, { location: '/' });
        return response.end();
      }
      case '/refresh': {
        // Refresh tokens rotate: keep the new one. They stop when the Tessera session ends (O6).
        session.tokens = await client.refreshTokenGrant(config, session.tokens.refresh_token);
        response.writeHead(302, { location: '/' });
        return response.end();
      }
      case '/logout': {
        const idToken = session.tokens?.id_token;
        session.claims = undefined;
        session.tokens = undefined;
        // RP-initiated logout also ends the Tessera session, after the member confirms.
        response.writeHead(302, { location: client.buildEndSessionUrl(config, { post_logout_redirect_uri: `${base}/`, ...(idToken ? { id_token_hint: idToken } : {}) }).href });
        return response.end();
      }
      case '/backchannel-logout': {
        // O6: Tessera POSTs logout_token=<JWT> when a member's session ends. A real application
        // verifies it (signature with the JWKS, iss, aud, events) and ends that member's sessions.
        let body = '';
        for await (const chunk of request) body += chunk;
        console.log('back-channel logout', new URLSearchParams(body).get('logout_token'));
        response.statusCode = 200;
        return response.end();
      }
      default:
        response.statusCode = 404;
        return response.end('Not found');
    }
  } catch (error) {
    response.statusCode = 500;
    return html(response, `<p>Sign-in failed: ${escape(error.message)}</p><p><a href="/">Start again</a></p>`);
  }
}).listen(port, '127.0.0.1', () => console.log(`Example application at ${base}`));
