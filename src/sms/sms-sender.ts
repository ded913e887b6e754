// S3: text-message delivery, chosen by SMS_PROVIDER: `log` (the log and, outside production, the
// development outbox) or `twilio` (its REST API). Codes are secrets: only a development server
// writes a text's body to its log.
import type { Config } from '../config.js';
import type { SmsSender, TextMessage } from '../core/ports.js';
import { maskPhoneNumber } from '../core/phone-number.js';
import { createTwilioSender } from './twilio-sender.js';

export interface SmsLogger {
  info(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface StoredText extends TextMessage {
  sentAt: string;
}

/** The last texts sent in development, newest first, for /api/dev/mailbox and the /dev/mailbox page. */
export class SmsOutbox {
  private readonly texts: StoredText[] = [];
  constructor(private readonly capacity = 200) {}

  add(message: TextMessage, sentAt: Date): void {
    this.texts.unshift({ to: message.to, body: message.body, sentAt: sentAt.toISOString() });
    this.texts.length = Math.min(this.texts.length, this.capacity);
  }

  list(): readonly StoredText[] {
    return this.texts;
  }
}

/** The sender the services use, with the development outbox when there is one. */
export interface SmsDelivery extends SmsSender {
  readonly outbox: SmsOutbox | undefined;
}

export function createLogSender(options: { isProduction: boolean; /** Config.devMailbox; by default outside production. */ devMailbox?: boolean; logger: SmsLogger; now?: () => Date }): SmsDelivery {
  const outbox = (options.devMailbox ?? !options.isProduction) ? new SmsOutbox() : undefined;
  const now = options.now ?? (() => new Date());
  return {
    outbox,
    async send(message, origin) {
      const requestId = origin?.requestId;
      if (!outbox) {
        options.logger.info({ ...(requestId !== undefined && { requestId }), to: maskPhoneNumber(message.to) }, 'text message not sent: SMS_PROVIDER is log');
        return;
      }
      outbox.add(message, now());
      // N4: the code and the number stay out of the log; the development mailbox page shows them.
      options.logger.info({ ...(requestId !== undefined && { requestId }), to: maskPhoneNumber(message.to) }, 'text message (development outbox)');
    },
  };
}

export function createSmsDelivery(config: Config, logger: SmsLogger, fetchImpl: typeof fetch = fetch): SmsDelivery {
  switch (config.smsProvider) {
    case 'log':
      return createLogSender({ isProduction: config.isProduction, devMailbox: config.devMailbox, logger });
    case 'twilio': {
      if (!config.twilio) throw new Error('SMS_PROVIDER=twilio without Twilio settings; readConfig checks them.');
      const sender = createTwilioSender(config.twilio, fetchImpl);
      return {
        outbox: undefined,
        async send(message, origin) {
          const requestId = origin?.requestId;
          try {
            await sender.send(message);
            logger.info({ ...(requestId !== undefined && { requestId }), to: maskPhoneNumber(message.to) }, 'text message sent');
          } catch (error) {
            // The body holds a code: never logged here, only who it was for and why it failed.
            logger.error({ ...(requestId !== undefined && { requestId }), to: maskPhoneNumber(message.to), err: error instanceof Error ? error.message : String(error) }, 'text message delivery failed');
            throw error;
          }
        },
      };
    }
  }
}
