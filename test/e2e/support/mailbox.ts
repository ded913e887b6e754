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

/** S3: a text message the development outbox kept (GET /api/dev/mailbox `texts`, newest first). */
export interface OutboxText {
  to: string;
  body: string;
  sentAt: string;
}

export async function readTexts(baseUrl: string): Promise<OutboxText[]> {
  const response = await fetch(`${baseUrl}/api/dev/mailbox`);
  if (!response.ok) throw new Error(`GET /api/dev/mailbox answered ${response.status}.`);
  return ((await response.json()) as { texts?: OutboxText[] }).texts ?? [];
}

/** How many texts went to `to` so far; pass it to waitForTextedCode to wait for the next one. */
export async function countTexts(baseUrl: string, to: string): Promise<number> {
  return (await readTexts(baseUrl)).filter((text) => text.to === to).length;
}

/**
 * Waits until more than `seenCount` texts went to `to` (E.164), then returns the code (6 or 7
 * digits) in the newest one. Texts go out after the commit, not with the answer.
 */
export async function waitForTextedCode(baseUrl: string, to: string, seenCount: number, timeoutInMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutInMs;
  for (;;) {
    const texts = (await readTexts(baseUrl)).filter((text) => text.to === to);
    if (texts.length > seenCount) {
      const newest = [...texts].sort((a, b) => b.sentAt.localeCompare(a.sentAt))[0]!;
      const code = /\b\d{6,7}\b/.exec(newest.body)?.[0];
      if (code === undefined) throw new Error(`The newest text to ${to} holds no code: ${newest.body}`);
      return code;
    }
    if (Date.now() > deadline) throw new Error(`No new text to ${to} arrived (seen ${seenCount}).`);
    await new Promise((resolve) => setTimeout(resolve, pollIntervalInMs));
  }
}
