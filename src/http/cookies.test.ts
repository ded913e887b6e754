import { describe, expect, it } from 'vitest';
import { readCookie, serializeCookie } from './cookies.js';

describe('cookies (A3)', () => {
  it('A3 reads the named cookie among others', () => {
    expect(readCookie('tessera_session=abc', 'tessera_session')).toBe('abc');
    expect(readCookie('theme=dark; tessera_session=abc-_123; lang=en', 'tessera_session')).toBe('abc-_123');
    expect(readCookie('  tessera_session = abc  ;x=1', 'tessera_session')).toBe('abc');
    expect(readCookie('a=1;tessera_session=first;tessera_session=second', 'tessera_session')).toBe('first');
    expect(readCookie('k=a=b', 'k')).toBe('a=b');
  });

  it('A3 finds nothing when the cookie is absent, empty or only a prefix matches', () => {
    expect(readCookie(undefined, 'tessera_session')).toBeUndefined();
    expect(readCookie('', 'tessera_session')).toBeUndefined();
    expect(readCookie('tessera_session=', 'tessera_session')).toBeUndefined();
    expect(readCookie('tessera_session', 'tessera_session')).toBeUndefined();
    expect(readCookie('xtessera_session=abc; tessera_session_old=def', 'tessera_session')).toBeUndefined();
    expect(readCookie('other=tessera_session=abc', 'tessera_session')).toBeUndefined();
  });

  it('A3 writes HttpOnly, SameSite=Lax, Path=/ always and Secure only under HTTPS', () => {
    const plain = serializeCookie('tessera_session', 'abc', { maxAgeInSeconds: 2_592_000, secure: false });
    const parts = plain.split('; ');
    expect(parts[0]).toBe('tessera_session=abc');
    expect(parts).toEqual(expect.arrayContaining(['Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=2592000']));
    expect(parts).not.toContain('Secure');
    const secure = serializeCookie('tessera_session', 'abc', { maxAgeInSeconds: 2_592_000, secure: true }).split('; ');
    expect(secure).toContain('Secure');
    expect(secure).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax']));
  });

  it('A3 clears a cookie with an empty value and Max-Age=0', () => {
    const cleared = serializeCookie('tessera_session', '', { maxAgeInSeconds: 0, secure: false });
    expect(cleared.startsWith('tessera_session=;')).toBe(true);
    expect(cleared).toContain('Max-Age=0');
    expect(readCookie(cleared.split(';')[0], 'tessera_session')).toBeUndefined();
  });
});
