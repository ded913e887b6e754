import { describe, expect, it } from 'vitest';
import { checkApplicationUri, isReturnToAllowed } from './application-uris.js';

describe('O1 application URIs', () => {
  it('O1 accepts https and loopback http, refuses the rest', () => {
    expect(checkApplicationUri('https://app.example.com/callback')).toEqual({ ok: true, uri: 'https://app.example.com/callback' });
    expect(checkApplicationUri('http://localhost:8080/cb').ok).toBe(true);
    expect(checkApplicationUri('http://127.0.0.1:9/cb').ok).toBe(true);
    expect(checkApplicationUri('http://app.example.com/cb').ok).toBe(false);
    expect(checkApplicationUri('https://app.example.com/cb#x').ok).toBe(false);
    expect(checkApplicationUri('https://user:pw@app.example.com/cb').ok).toBe(false);
    expect(checkApplicationUri('/relative').ok).toBe(false);
    expect(checkApplicationUri('javascript:alert(1)').ok).toBe(false);
  });
});

describe('O8 return_to', () => {
  const publicUrl = new URL('https://auth.example.com');
  it('O8 follows PUBLIC_URL’s host on any port and registered origins only', () => {
    expect(isReturnToAllowed('https://auth.example.com:8443/wiki', publicUrl, [])).toBe(true);
    expect(isReturnToAllowed('https://app.example.com/x', publicUrl, ['https://app.example.com'])).toBe(true);
    expect(isReturnToAllowed('https://evil.example.com/x', publicUrl, ['https://app.example.com'])).toBe(false);
    expect(isReturnToAllowed('http://auth.example.com/x', publicUrl, [])).toBe(false);
    expect(isReturnToAllowed('https://auth.example.com.evil.com/x', publicUrl, [])).toBe(false);
    expect(isReturnToAllowed('//evil.com/x', publicUrl, [])).toBe(false);
    expect(isReturnToAllowed('javascript:alert(1)', publicUrl, [])).toBe(false);
  });
});
