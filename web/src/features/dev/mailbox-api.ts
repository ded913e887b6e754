import { api } from '../../api/client';

export interface MailboxMessage {
  id: number | string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  sentAt: string;
}

/** S3: a text message the development outbox kept instead of sending it. */
export interface OutboxText {
  to: string;
  body: string;
  sentAt: string;
}

export interface DevelopmentOutbox {
  messages: MailboxMessage[];
  texts: OutboxText[];
}

/**
 * Development only: the server keeps outgoing e-mail here when no SMTP server is configured, and
 * text messages when the `log` provider is in use (a server without texts leaves `texts` out).
 */
export const readDevelopmentOutbox = async (): Promise<DevelopmentOutbox> => {
  const outbox = await api.get<{ messages: MailboxMessage[]; texts?: OutboxText[] }>('/api/dev/mailbox');
  return { messages: outbox.messages, texts: outbox.texts ?? [] };
};
