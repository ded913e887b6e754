import { describe, expect, it } from 'vitest';
import { forgetsRememberedBrowsers, isRememberedAt, isValidRememberBrowserDays, knownBrowserLifetimeInMs, rememberedUntilFrom } from './known-browsers.js';

const day = 24 * 60 * 60 * 1000;
const now = 1_800_000_000_000;

describe('known and remembered browsers (G1, B2)', () => {
  it('G1 a known browser lasts 180 days', () => {
    expect(knownBrowserLifetimeInMs).toBe(180 * day);
  });

  it('B2 a remembered browser skips the second step until its time runs out, and only while the organization allows it', () => {
    const browser = { rememberedUntil: rememberedUntilFrom(now, 7) };
    expect(browser.rememberedUntil).toBe(now + 7 * day);
    expect(isRememberedAt(browser, 7, now)).toBe(true);
    expect(isRememberedAt(browser, 7, now + 7 * day - 1)).toBe(true);
    expect(isRememberedAt(browser, 7, now + 7 * day)).toBe(false);
    expect(isRememberedAt(browser, 0, now)).toBe(false);
    expect(isRememberedAt({ rememberedUntil: null }, 30, now)).toBe(false);
  });

  it('B2 the setting is 0 (off) to 30 days; lowering it or turning it off forgets remembered browsers', () => {
    for (const ok of [0, 1, 30]) expect(isValidRememberBrowserDays(ok)).toBe(true);
    for (const wrong of [-1, 31, 1.5, Number.NaN]) expect(isValidRememberBrowserDays(wrong)).toBe(false);
    expect(forgetsRememberedBrowsers(30, 7)).toBe(true);
    expect(forgetsRememberedBrowsers(7, 0)).toBe(true);
    expect(forgetsRememberedBrowsers(7, 7)).toBe(false);
    expect(forgetsRememberedBrowsers(0, 14)).toBe(false);
  });
});
