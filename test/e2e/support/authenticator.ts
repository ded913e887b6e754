// The tests' own authenticator app (RFC 6238 through the independent otpauth package).
import { Secret, TOTP } from 'otpauth';
import { delay } from './pages.js';

const periodInMs = 30_000;

/** Each code is for a time step later than the last one used (T5 refuses a step twice). */
export class Authenticator {
  private lastUsedStep = -1;

  constructor(private readonly totp: TOTP) {}

  static fromGroupedKey(groupedKey: string): Authenticator {
    const secret = Secret.fromBase32(groupedKey.replace(/\s/g, ''));
    return new Authenticator(new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: periodInMs / 1000 }));
  }

  /** A code for a fresh step, current now; the server accepts it for a step either side too. */
  async nextCode(): Promise<string> {
    for (;;) {
      const now = Date.now();
      const step = Math.floor(now / periodInMs);
      if (step > this.lastUsedStep) {
        this.lastUsedStep = step;
        return this.totp.generate({ timestamp: now });
      }
      await delay((step + 1) * periodInMs - now + 50);
    }
  }

  /** Six digits that are no valid code right now (nor a step either side); `salt` gives another one. */
  wrongCode(salt = 0): string {
    const now = Date.now();
    const valid = new Set([-1, 0, 1, 2].map((offset) => this.totp.generate({ timestamp: now + offset * periodInMs })));
    for (let candidate = (123456 + salt * 104729) % 1_000_000; ; candidate = (candidate + 7919) % 1_000_000) {
      const code = String(candidate).padStart(6, '0');
      if (!valid.has(code)) return code;
    }
  }
}
