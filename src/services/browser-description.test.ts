import { describe, expect, it } from 'vitest';
import { describeUserAgent } from './browser-description.js';

const firefoxOnWindows = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
const safariOnIphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

describe('a browser people recognise, from its User-Agent (G1, G4)', () => {
  it('names the browser and the system', () => {
    expect(describeUserAgent(firefoxOnWindows)).toEqual({ browser: 'Firefox 128', os: 'Windows 10', label: 'Firefox 128 on Windows 10' });
    expect(describeUserAgent(safariOnIphone).label).toBe('Mobile Safari 17 on iOS 17.5');
  });

  it('without a header: an unknown browser', () => {
    expect(describeUserAgent(undefined)).toEqual({ browser: null, os: null, label: 'an unknown browser' });
  });

  it('a description asked for again is the same, and changing one answer does not change the next', () => {
    const first = describeUserAgent(firefoxOnWindows);
    first.label = 'changed';
    expect(describeUserAgent(firefoxOnWindows).label).toBe('Firefox 128 on Windows 10');
  });

  it('keeps answering right past the number of descriptions it keeps', () => {
    for (let version = 1; version <= 600; version++) {
      expect(describeUserAgent(`Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:${version}.0) Gecko/20100101 Firefox/${version}.0`).browser).toBe(`Firefox ${version}`);
    }
    expect(describeUserAgent(firefoxOnWindows).label).toBe('Firefox 128 on Windows 10');
  });
});
