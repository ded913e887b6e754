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

export function describeUserAgent(userAgent: string | null | undefined): BrowserDescription {
  if (!userAgent) return { browser: null, os: null, label: 'an unknown browser' };
  const result = new UAParser(userAgent).getResult();
  const browser = result.browser.name ? [result.browser.name, result.browser.major].filter(Boolean).join(' ') : null;
  const os = result.os.name ? [result.os.name, result.os.version].filter(Boolean).join(' ') : null;
  const label = browser && os ? `${browser} on ${os}` : (browser ?? os ?? 'an unknown browser');
  return { browser, os, label };
}
