// S2: rules of texted codes, free of I/O: their length, lifetime and how often they may be sent.
// Texts are the weakest factor (NIST SP 800-63B §5.1.3.3 "restricted"), so the code is short-lived
// and sending is throttled: each text costs money and can be abused to pump traffic to a number.
import type { Random } from './ports.js';
import { decideThrottles, type ThrottleCounter, type ThrottleDecision, type ThrottleRule } from './throttle-policy.js';

const minute = 60 * 1000;

export type SmsCodeLength = 6 | 7;
export type SmsCodePurpose = 'enrol' | 'sign_in';

export const defaultSmsCodeLength: SmsCodeLength = 6;
/** S2: a texted code works once, for this long. */
export const smsCodeLifetimeInMs = 5 * minute;
/** Wrong tries of one enrolment code before it stops working (sign-in codes count in L3 instead). */
export const enrolmentCodeAttemptLimit = 5;

/** S2: the organization picks 6 (default) or 7 digits; anything else stored means the default. */
export function smsCodeLengthOf(organizationSetting: number | null | undefined): SmsCodeLength {
  return organizationSetting === 7 ? 7 : defaultSmsCodeLength;
}

/** Uniform digits from the injected CSPRNG. */
export function generateSmsCode(random: Random, length: SmsCodeLength): string {
  let code = '';
  for (let i = 0; i < length; i++) code += String(random.int(10));
  return code;
}

/** S2: how often texts go out. Counted per member and per number (ThrottleCounters.claim). */
export const smsSendRules = {
  /** One text per member a minute: a resend waits 60 s. */
  perMemberInterval: { name: 'sms:member:minute', limit: 1, windowInMs: minute },
  perMemberDaily: { name: 'sms:member:day', limit: 10, windowInMs: 24 * 60 * minute },
  perNumberDaily: { name: 'sms:number:day', limit: 10, windowInMs: 24 * 60 * minute },
} satisfies Record<string, ThrottleRule>;

const day = 24 * 60 * minute;

/** Issue 10 item 6: caps on texts sent in 24 hours (SMS_DAILY_LIMIT_PER_ORGANIZATION, SMS_DAILY_LIMIT). */
export interface SmsDailyLimits {
  perOrganization: number;
  perDeployment: number;
}

/**
 * The caps as counters, claimed with the per-member and per-number ones: whatever a script does
 * with many accounts or numbers, the bill of a day is bounded, per organization and in all.
 */
export function smsDailyCapRules(limits: SmsDailyLimits) {
  return {
    perOrganization: { name: 'sms:organization:day', limit: limits.perOrganization, windowInMs: day },
    perDeployment: { name: 'sms:deployment:day', limit: limits.perDeployment, windowInMs: day },
  } satisfies Record<string, ThrottleRule>;
}

/** A cap refusing texts is audited once per organization, cap and day, however many are refused. */
export const smsCapAuditRule = { name: 'sms:cap-audited', limit: 1, windowInMs: day } satisfies ThrottleRule;

/**
 * The answer to a refused send: the longest wait among the counters that are full, so a retry
 * after Retry-After is not refused again by another counter.
 */
export function decideSmsSend(counters: Array<{ rule: ThrottleRule; counter: ThrottleCounter | undefined }>, nowInMs: number): ThrottleDecision {
  return decideThrottles(counters, nowInMs);
}

/** The text itself: the code first, so phones can offer it for autofill, and what it is for. */
export function smsCodeMessage(code: string, issuer: string, purpose: SmsCodePurpose): string {
  const use = purpose === 'enrol' ? 'to confirm this phone number' : 'to sign in';
  return `${code} is your ${issuer} code ${use}. It expires in 5 minutes. Do not share it.`;
}
