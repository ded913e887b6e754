import { api } from '../../api/client';

export interface MailboxMessage {
  id: number | string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  sentAt: string;
}

/** Development only: the server keeps outgoing e-mail here when no SMTP server is configured. */
export const listMailboxMessages = async () => (await api.get<{ messages: MailboxMessage[] }>('/api/dev/mailbox')).messages;
