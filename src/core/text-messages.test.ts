import { describe, expect, it } from 'vitest';
import type { Random } from './ports.js';
import { classifySubmittedCode } from './second-factor.js';
import { decideSmsSend, generateSmsCode, smsCodeLengthOf, smsCodeMessage, smsSendRules } from './text-messages.js';

const sequence = (digits: number[]): Random => {
  let i = 0;
  return { bytes: () => new Uint8Array(), int: () => digits[i++ % digits.length]! };
};

describe('S2 texted codes', () => {
  it('S2 codes have 6 digits by default and 7 when the organization says so', () => {
    expect(smsCodeLengthOf(6)).toBe(6);
    expect(smsCodeLengthOf(7)).toBe(7);
    expect(smsCodeLengthOf(undefined)).toBe(6);
    expect(smsCodeLengthOf(9)).toBe(6);
    expect(generateSmsCode(sequence([0, 1, 2, 3, 4, 5, 6]), 6)).toBe('012345');
    expect(generateSmsCode(sequence([9, 8, 7, 6, 5, 4, 3]), 7)).toBe('9876543');
  });

  it('L2 S2 one field takes 6- and 7-digit codes (authenticator or text) and recovery codes', () => {
    expect(classifySubmittedCode('123 456')).toEqual({ method: 'one_time_code', code: '123456' });
    expect(classifySubmittedCode('1234567')).toEqual({ method: 'one_time_code', code: '1234567' });
    expect(classifySubmittedCode('1234-5678')).toEqual({ method: 'recovery_code', code: '12345678' });
    expect(classifySubmittedCode('12345')).toBeUndefined();
    expect(classifySubmittedCode('123456789')).toBeUndefined();
  });

  it('S2 a refused send waits for the longest full counter; free counters allow it', () => {
    const now = 1_000_000;
    const { perMemberInterval, perMemberDaily, perNumberDaily } = smsSendRules;
    expect(decideSmsSend([{ rule: perMemberInterval, counter: undefined }], now)).toEqual({ ok: true });
    expect(decideSmsSend([{ rule: perMemberInterval, counter: { count: 1, windowStartedAt: now - 20_000 } }], now)).toEqual({ ok: false, retryAfterInMs: 40_000 });
    expect(decideSmsSend([{ rule: perMemberInterval, counter: { count: 1, windowStartedAt: now - 60_000 } }], now)).toEqual({ ok: true });
    const day = 24 * 60 * 60 * 1000;
    expect(
      decideSmsSend(
        [
          { rule: perMemberInterval, counter: { count: 1, windowStartedAt: now - 20_000 } },
          { rule: perMemberDaily, counter: { count: 10, windowStartedAt: now - 1000 } },
          { rule: perNumberDaily, counter: { count: 3, windowStartedAt: now } },
        ],
        now,
      ),
    ).toEqual({ ok: false, retryAfterInMs: day - 1000 });
  });

  it('S2 the text starts with the code and says what it is for', () => {
    expect(smsCodeMessage('123456', 'Acme', 'sign_in')).toMatch(/^123456 is your Acme code to sign in\./);
    expect(smsCodeMessage('1234567', 'Acme', 'enrol')).toContain('to confirm this phone number');
  });
});
