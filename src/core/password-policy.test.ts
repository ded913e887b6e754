import { describe, expect, it } from 'vitest';
import { checkNewPassword, describePasswordProblem, maximumPasswordLength, minimumPasswordLength } from './password-policy.js';

describe('password policy (A1, NIST SP 800-63B §5.1.1.2)', () => {
  it('A1 accepts 10 to 256 characters and nothing else matters', () => {
    expect(minimumPasswordLength).toBe(10);
    expect(maximumPasswordLength).toBe(256);
    expect(checkNewPassword('a'.repeat(9))).toEqual({ ok: false, reason: 'too_short' });
    expect(checkNewPassword('')).toEqual({ ok: false, reason: 'too_short' });
    expect(checkNewPassword('a'.repeat(10))).toEqual({ ok: true });
    expect(checkNewPassword('a'.repeat(256))).toEqual({ ok: true });
    expect(checkNewPassword('a'.repeat(257))).toEqual({ ok: false, reason: 'too_long' });
    // No composition rules: all lower case, all digits, all spaces are fine when long enough.
    for (const password of ['aaaaaaaaaa', '0123456789', '          ', 'correct horse battery staple']) {
      expect(checkNewPassword(password), password).toEqual({ ok: true });
    }
  });

  it('A1 counts characters (code points), not UTF-16 units, so emoji count once', () => {
    const lock = '🔒'; // two UTF-16 units
    expect(lock.repeat(9).length).toBe(18);
    expect(checkNewPassword(lock.repeat(9))).toEqual({ ok: false, reason: 'too_short' });
    expect(checkNewPassword(lock.repeat(10))).toEqual({ ok: true });
    expect(checkNewPassword(lock.repeat(256))).toEqual({ ok: true });
    expect(checkNewPassword(lock.repeat(257))).toEqual({ ok: false, reason: 'too_long' });
    expect(checkNewPassword('密码密码密码密码密码')).toEqual({ ok: true });
  });

  it('A1 explains each problem with the limit in it', () => {
    expect(describePasswordProblem('too_short')).toContain('10');
    expect(describePasswordProblem('too_long')).toContain('256');
  });
});
