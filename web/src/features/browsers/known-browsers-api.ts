import { api } from '../../api/client';

/** G1, B2: a browser the member has signed in with (GET /api/v1/me/known-browsers). */
export interface KnownBrowser {
  id: string;
  current: boolean;
  browser: string | null;
  os: string | null;
  userAgent: string | null;
  ip: string | null;
  firstSeenAt: string;
  lastUsedAt: string;
  remembered: { at: string; until: string } | null;
}

export const listKnownBrowsers = () => api.get<{ browsers: KnownBrowser[] }>('/api/v1/me/known-browsers');

export const forgetKnownBrowser = (id: string) => api.delete(`/api/v1/me/known-browsers/${encodeURIComponent(id)}`);

export const forgetOtherKnownBrowsers = () => api.delete('/api/v1/me/known-browsers');

export const listMemberBrowsers = (userId: string) => api.get<{ browsers: KnownBrowser[] }>(`/api/v1/organization/users/${encodeURIComponent(userId)}/known-browsers`);

export const forgetMemberBrowsers = (userId: string) => api.delete(`/api/v1/organization/users/${encodeURIComponent(userId)}/known-browsers`);

export function describeBrowser(browser: KnownBrowser): string {
  if (browser.browser && browser.os) return `${browser.browser} on ${browser.os}`;
  return browser.browser ?? browser.os ?? 'Unknown browser';
}
