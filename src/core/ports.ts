// The interfaces the edges implement, so the core never reads a clock or a random source itself.

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
  hash(value: string): string;
}

/** S3: a text message on its way to a phone; `to` in E.164. */
export interface TextMessage {
  to: string;
  body: string;
}

/** S3: delivery of text messages (src/sms: the development outbox, or an HTTP provider). Rejects when the provider refused the message. */
export interface SmsSender {
  send(message: TextMessage): Promise<void>;
}
