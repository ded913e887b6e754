// The two cookie operations Tessera needs, without a dependency: read one cookie, write one.

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index === -1) continue;
    if (part.slice(0, index).trim() === name) {
      const value = part.slice(index + 1).trim();
      return value === '' ? undefined : value;
    }
  }
  return undefined;
}

export interface CookieOptions {
  maxAgeInSeconds: number;
  secure: boolean;
}

/** HttpOnly, SameSite=Lax, Path=/ always (A3); Secure under HTTPS. Values are base64url already. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${options.maxAgeInSeconds}`];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
