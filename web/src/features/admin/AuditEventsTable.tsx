import { formatDateTime, formatExactDateTime } from '../../components/format';
import { KeepWordsWhole } from '../../components/KeepWordsWhole';
import { Link } from '../../router/router';
import type { AuditEvent } from './admin-api';
import { auditTypeLabel, describeAuditEventSentence, type NameOf } from './audit-sentences';
import { useMemberNames } from './use-member-names';

interface AuditEventsTableProps {
  events: readonly AuditEvent[];
  caption: string;
}

/**
 * M2, M5: security events, newest first, each told as a sentence with names (issue 17 item 2);
 * the export keeps every field. Below 40rem each row becomes a card.
 */
export function AuditEventsTable({ events, caption }: AuditEventsTableProps) {
  const ids = events.flatMap((event) => [event.userId, event.actor.userId]).filter((id): id is string => id !== null);
  const names = useMemberNames(ids);
  const nameOf: NameOf = (id) => names.get(id);

  return (
    <div className="table-scroll">
      <table className="data-table audit-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="col-time">
              Time
            </th>
            <th scope="col">Event</th>
            <th scope="col" className="col-address">
              Address
            </th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <td data-label="Time" className="col-time">
                <time dateTime={event.createdAt} title={formatExactDateTime(event.createdAt)}>
                  {formatDateTime(event.createdAt)}
                </time>
              </td>
              <td data-label="Event">
                <span className="audit-sentence">
                  {describeAuditEventSentence(event, nameOf).map((part, index) =>
                    typeof part === 'string' ? (
                      <KeepWordsWhole key={index} text={part} />
                    ) : (
                      <Link key={index} to={`/admin/users/${encodeURIComponent(part.memberId)}`}>
                        <KeepWordsWhole text={part.name} />
                      </Link>
                    ),
                  )}
                </span>
                <span className="audit-type">{auditTypeLabel(event.type)}</span>
              </td>
              <td data-label="Address" className="col-address">
                {event.ip ?? '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
