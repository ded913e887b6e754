// Delivery of e-mail after the database has committed. A failed send is logged and never undoes
// the change that caused it. Without SMTP_URL, messages land in the development mailbox.
import nodemailer from 'nodemailer';
import type { MailMessage } from './templates.js';

export interface MailLogger {
  info(object: object, message: string): void;
  error(object: object, message: string): void;
}

export interface StoredMail extends MailMessage {
  id: number;
  sentAt: string;
}

/** The last messages sent in development, newest first, for the /dev/mailbox page. */
export class DevMailbox {
  private readonly messages: StoredMail[] = [];
  private nextId = 1;
  constructor(private readonly capacity = 200) {}

  add(message: MailMessage, sentAt: Date): void {
    this.messages.unshift({ ...message, id: this.nextId++, sentAt: sentAt.toISOString() });
    this.messages.length = Math.min(this.messages.length, this.capacity);
  }

  list(): readonly StoredMail[] {
    return this.messages;
  }
}

export interface Mailer {
  /**
   * Queues the message; returns at once. Call only after the transaction has committed. `origin`:
   * the request it is sent for, whose id its log lines carry (N4).
   */
  send(message: MailMessage, origin?: { requestId?: string }): void;
  /** Resolves once every queued message has been handed over (tests, shutdown). */
  flush(): Promise<void>;
  readonly mailbox: DevMailbox | undefined;
  close(): void;
}

export interface MailerOptions {
  smtpUrl: string | undefined;
  from: string;
  isProduction: boolean;
  /** Keep the development mailbox (Config.devMailbox); by default outside production. */
  devMailbox?: boolean;
  logger: MailLogger;
  /** N2: told the result of each delivery. */
  onDelivery?: (result: 'sent' | 'failed') => void;
}

export function createMailer(options: MailerOptions): Mailer {
  const pending = new Set<Promise<void>>();
  const transport = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : undefined;
  const mailbox = transport || !(options.devMailbox ?? !options.isProduction) ? undefined : new DevMailbox();

  async function deliver(message: MailMessage, requestId: string | undefined): Promise<void> {
    if (transport) {
      await transport.sendMail({ from: options.from, to: message.to, subject: message.subject, text: message.text, html: message.html });
      options.logger.info({ ...(requestId !== undefined && { requestId }), to: message.to, subject: message.subject }, 'mail sent');
      return;
    }
    // N4: e-mailed links carry secrets, so a log line holds only who and what; the body is on
    // the development mailbox page, when there is one.
    mailbox?.add(message, new Date());
    options.logger.info({ ...(requestId !== undefined && { requestId }), to: message.to, subject: message.subject }, mailbox ? 'mail (development mailbox)' : 'mail not sent: SMTP_URL is not set');
  }

  return {
    send(message, origin) {
      const requestId = origin?.requestId;
      const delivery = deliver(message, requestId)
        .then(() => options.onDelivery?.('sent'))
        .catch((error: unknown) => {
          options.onDelivery?.('failed');
          options.logger.error({ ...(requestId !== undefined && { requestId }), to: message.to, subject: message.subject, err: error instanceof Error ? error.message : String(error) }, 'mail delivery failed');
        })
        .finally(() => pending.delete(delivery));
      pending.add(delivery);
    },
    async flush() {
      await Promise.all([...pending]);
    },
    mailbox,
    close() {
      transport?.close();
    },
  };
}
