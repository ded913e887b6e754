// Reads the development mailbox (GET /api/dev/mailbox) that the server fills while no SMTP
// server is configured, and pulls the e-mailed links out of the messages.

export interface MailboxMessage {
  id: number | string;
  to: string;
  subject: string;
  text: string;
  sentAt: string;
}

const pollIntervalInMs = 100;

export async function readMailbox(baseUrl: string): Promise<MailboxMessage[]> {
  const response = await fetch(`${baseUrl}/api/dev/mailbox`);
  if (!response.ok) throw new Error(`GET /api/dev/mailbox answered ${response.status}.`);
  return ((await response.json()) as { messages: MailboxMessage[] }).messages;
}

/** Waits for the newest message to `to` whose text holds a `path?token=` link; returns that link. */
export async function waitForLink(baseUrl: string, to: string, path: string, timeoutInMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutInMs;
  const pattern = new RegExp(`https?://[^\\s]+${escapeRegExp(path)}\\?token=[^\\s"<>]+`);
  for (;;) {
    const messages = await readMailbox(baseUrl);
    for (const message of messages) {
      if (message.to.toLowerCase() !== to.toLowerCase()) continue;
      const link = pattern.exec(message.text)?.[0];
      if (link) return link;
    }
    if (Date.now() > deadline) {
      const seen = messages.map((message) => `${message.to}: ${message.subject}`).join('\n');
      throw new Error(`No message to ${to} with a ${path} link arrived. Mailbox:\n${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollIntervalInMs));
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
