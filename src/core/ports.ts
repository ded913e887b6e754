// The interfaces the edges implement, so the core never reads a clock or a random source itself.
import type { ThrottleCounter, ThrottleRule } from './throttle-policy.js';

export interface Clock {
  now(): Date;
}

export interface Random {
  /** Cryptographically secure random bytes. */
  bytes(length: number): Uint8Array;
  /** A uniformly distributed integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
}

/** Authenticated encryption of small secrets at rest (AES-256-GCM, see src/security). */
export interface SecretBox {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

/** A keyed hash (HMAC-SHA-256 under the server key) for values that must be looked up, never read back. */
export interface KeyedHasher {
  /** Under the newest key: what new rows store. */
  hash(value: string): string;
  /** N5: under every loaded key, the newest first, for look-ups while older keys are loaded. */
  hashAll(value: string): string[];
}

/** S3: a text message on its way to a phone; `to` in E.164. */
export interface TextMessage {
  to: string;
  body: string;
}

/** S3: delivery of text messages (src/sms: the development outbox, or an HTTP provider). Rejects when the provider refused the message. */
export interface SmsSender {
  /** `origin`: the request the text is sent for, whose id the sender's log lines carry (N4). */
  send(message: TextMessage, origin?: { requestId?: string }): Promise<void>;
}

/** One counter a claim counts against, and the rule that limits it. */
export interface ThrottleClaim {
  key: string;
  rule: ThrottleRule;
}

/**
 * Request-throttling counters shared by every instance: the database, or Redis with REDIS_URL
 * (src/throttling). Fixed windows: a counter's window restarts when
 * `windowStartedAt <= nowInMs - windowInMs`. The caller passes the time in; decisions stay in
 * throttle-policy.ts.
 */
export interface ThrottleCounters {
  read(key: string): Promise<ThrottleCounter | undefined>;
  /** Counts one attempt (restarting an expired window) and returns the counter after it. */
  hit(key: string, nowInMs: number, windowInMs: number): Promise<ThrottleCounter>;
  clear(key: string): Promise<void>;
  /**
   * Counts one against every claimed counter if each one's rule still allows it (under its limit,
   * or its window restarted); otherwise counts nothing and returns false. All or nothing, so a
   * refused send is not counted against the limits that had room.
   */
  claim(claims: readonly ThrottleClaim[], nowInMs: number): Promise<boolean>;
  /**
   * Gives back one count on each counter claimed at `claimedAtInMs`, if its window has not
   * restarted since (G2: an attempt that turned out right, or was never evaluated, is not a guess).
   */
  release(claims: readonly ThrottleClaim[], claimedAtInMs: number): Promise<void>;
}
