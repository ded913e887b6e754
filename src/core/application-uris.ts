// O1: which addresses an application may register. Redirect URIs are matched exactly (RFC 9700
// §4.1.3), so they are checked once here: absolute, https (plain http only on the loopback host,
// RFC 8252 §7.3, for development), no fragment (RFC 6749 §3.1.2), no credentials.
// Everything in this file must remain free of I/O.

export type UriCheck = { ok: true; uri: string } | { ok: false; message: string };

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

export function checkApplicationUri(raw: string): UriCheck {
  const value = raw.trim();
  if (!URL.canParse(value)) return { ok: false, message: `“${value}” is not an absolute URL.` };
  const url = new URL(value);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHosts.has(url.hostname))) {
    return { ok: false, message: `“${value}” must start with https:// (http:// is allowed only for localhost and 127.0.0.1).` };
  }
  if (url.hash !== '' || value.includes('#')) return { ok: false, message: `“${value}” must not contain a fragment (#…).` };
  if (url.username !== '' || url.password !== '') return { ok: false, message: `“${value}” must not contain a user name or password.` };
  return { ok: true, uri: value };
}

/** O8: whether `returnTo` may be followed after sign-in: PUBLIC_URL's host (any port) or a registered origin. */
export function isReturnToAllowed(returnTo: string, publicUrl: URL, registeredOrigins: readonly string[]): boolean {
  if (!URL.canParse(returnTo)) return false;
  const url = new URL(returnTo);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
  if (url.username !== '' || url.password !== '') return false;
  if (url.hostname === publicUrl.hostname && (url.protocol === publicUrl.protocol || url.protocol === 'https:')) return true;
  return registeredOrigins.includes(url.origin);
}
