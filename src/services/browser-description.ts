// G1, G4: a browser and operating system people recognise ("Firefox 128 on Windows 10"), read
// from the User-Agent header by ua-parser-js. Only for display and e-mails: a user agent is
// whatever the client says, so nothing is decided on it.
import { UAParser } from 'ua-parser-js';

export interface BrowserDescription {
  browser: string | null;
  os: string | null;
  /** Both together, or "an unknown browser". */
  label: string;
}

/**
 * Parsing takes tens of microseconds and a sign-in storm brings few distinct user agents: the
 * last descriptions are kept (forgotten all at once when full, so memory stays bounded).
 */
const remembered = new Map<string, BrowserDescription>();
const rememberedLimit = 500;

export function describeUserAgent(userAgent: string | null | undefined): BrowserDescription {
  if (!userAgent) return { browser: null, os: null, label: 'an unknown browser' };
  let description = remembered.get(userAgent);
  if (!description) {
    if (remembered.size >= rememberedLimit) remembered.clear();
    description = parseUserAgent(userAgent);
    remembered.set(userAgent, description);
  }
  return { ...description };
}

function parseUserAgent(userAgent: string): BrowserDescription {
  const result = new UAParser(userAgent).getResult();
  const browser = result.browser.name ? [result.browser.name, result.browser.major].filter(Boolean).join(' ') : null;
  const os = result.os.name ? [result.os.name, result.os.version].filter(Boolean).join(' ') : null;
  const label = browser && os ? `${browser} on ${os}` : (browser ?? os ?? 'an unknown browser');
  return { browser, os, label };
}
