// G1 known browsers and B2 remembered browsers: the rules, free of I/O (the clock is passed in).
// OWASP "Slow Down Online Guessing Attacks with Device Cookies": a browser that completed a
// sign-in gets an opaque token bound to the member, replaced on every use; Microsoft Entra smart
// lockout counts familiar and unfamiliar clients apart. B2 is Google's / GitHub's "Don't ask again
// on this device".

const day = 24 * 60 * 60 * 1000;

/** G1: a known browser lasts 180 days from its last use (sliding). */
export const knownBrowserLifetimeInMs = 180 * day;

/** B2: the longest an organization may let a browser skip the second step. */
export const maxRememberBrowserDays = 30;

export interface RememberState {
  rememberedUntil: number | null;
}

/** B2: whether the browser may skip the second step now — the organization still allows it and its time has not run out. */
export function isRememberedAt(browser: RememberState, rememberBrowserDays: number, nowInMs: number): boolean {
  return rememberBrowserDays > 0 && browser.rememberedUntil !== null && browser.rememberedUntil > nowInMs;
}

export function rememberedUntilFrom(nowInMs: number, rememberBrowserDays: number): number {
  return nowInMs + rememberBrowserDays * day;
}

export function isValidRememberBrowserDays(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= maxRememberBrowserDays;
}

/**
 * B2: lowering the number of days (or turning it off) forgets every remembered browser of the
 * organization: a member who was promised more than the new policy allows asks again.
 */
export function forgetsRememberedBrowsers(previousDays: number, nextDays: number): boolean {
  return nextDays < previousDays;
}

/** Why remembered browsers were forgotten (B2), for the audit log. */
export type ForgetReason =
  | 'two_factor_disabled'
  | 'two_factor_reset'
  | 'password_changed'
  | 'password_reset'
  | 'recovery_code_sign_in'
  | 'organization_policy'
  | 'phishing_resistant_required';
