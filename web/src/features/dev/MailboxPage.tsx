import { useEffect, useRef, useState } from 'react';
import { describeProblem } from '../../api/client';
import { formatDateTime } from '../../components/format';
import { PageHeading } from '../../components/PageHeading';
import { useResource } from '../../components/use-resource';
import { linkify } from './linkify';
import { readDevelopmentOutbox, type MailboxMessage, type OutboxText } from './mailbox-api';
import './mailbox.css';

/** The development mailbox: what Tessera would have e-mailed or texted, newest first. */
export function MailboxPage() {
  const { resource, reload } = useResource(readDevelopmentOutbox);
  const [selectedId, setSelectedId] = useState<MailboxMessage['id'] | null>(null);

  return (
    <div className="page">
      <div className="page-header">
        <PageHeading>Development mailbox</PageHeading>
        <button type="button" className="button button-secondary" onClick={reload}>
          Refresh
        </button>
      </div>
      {resource.status === 'loading' && <p role="status">Loading messages…</p>}
      {resource.status === 'failed' && (
        <div className="alert alert-info" role="alert">
          <p>
            {resource.problem.status === 404
              ? 'The development mailbox is not available (production, or SMTP is configured).'
              : describeProblem(resource.problem)}
          </p>
        </div>
      )}
      {resource.status === 'ready' && (
        <>
          <section aria-labelledby="mailbox-email-heading">
            <h2 id="mailbox-email-heading" className="mailbox-heading">
              E-mail
            </h2>
            {resource.data.messages.length === 0 ? (
              <p className="muted">No messages yet.</p>
            ) : (
              <Mailbox messages={resource.data.messages} selectedId={selectedId} onSelect={setSelectedId} />
            )}
          </section>
          <TextMessages texts={resource.data.texts} />
        </>
      )}
    </div>
  );
}

interface MailboxProps {
  messages: MailboxMessage[];
  selectedId: MailboxMessage['id'] | null;
  onSelect: (id: MailboxMessage['id']) => void;
}

function Mailbox({ messages, selectedId, onSelect }: MailboxProps) {
  const selected = messages.find((message) => message.id === selectedId) ?? null;
  const headingRef = useRef<HTMLHeadingElement>(null);

  // Move to the opened message: on a phone it sits below the list, out of sight.
  useEffect(() => {
    if (selectedId !== null) headingRef.current?.focus();
  }, [selectedId]);
  return (
    <div className="mailbox">
      <nav aria-label="Messages" className="mailbox-list card">
        <ul>
          {messages.map((message) => (
            <li key={message.id}>
              <button
                type="button"
                className="mailbox-item"
                aria-current={message.id === selectedId ? 'true' : undefined}
                onClick={() => onSelect(message.id)}
              >
                <span className="mailbox-subject">{message.subject}</span>
                <span className="mailbox-meta">
                  To {message.to} · {formatDateTime(message.sentAt)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <section className="mailbox-message card" aria-label="Message">
        {selected === null ? (
          <p className="muted">Choose a message to read it.</p>
        ) : (
          <article>
            <h3 ref={headingRef} tabIndex={-1}>
              {selected.subject}
            </h3>
            <p className="mailbox-meta">
              To {selected.to} · {formatDateTime(selected.sentAt)}
            </p>
            <pre className="mailbox-text">{linkify(selected.text)}</pre>
          </article>
        )}
      </section>
    </div>
  );
}

/** S3: what the development outbox would have texted, newest first, each in full (they are short). */
function TextMessages({ texts }: { texts: OutboxText[] }) {
  return (
    <section aria-labelledby="mailbox-texts-heading" className="mailbox-texts">
      <h2 id="mailbox-texts-heading" className="mailbox-heading">
        Text messages
      </h2>
      {texts.length === 0 ? (
        <p className="muted">No text messages yet.</p>
      ) : (
        <ul className="card text-message-list" aria-label="Text messages">
          {[...texts].sort((a, b) => b.sentAt.localeCompare(a.sentAt)).map((text, index) => (
            <li key={`${text.sentAt}:${text.to}:${index}`} className="text-message">
              <p className="mailbox-meta">
                To {text.to} · {formatDateTime(text.sentAt)}
              </p>
              <p className="text-message-body">{text.body}</p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
