import { formatDateTime } from '../../components/format';
import { Link } from '../../router/router';
import type { AuditEvent } from './admin-api';
import { describeAuditEvent } from './labels';
import { useMemberNames } from './use-member-names';

interface AuditEventsTableProps {
  events: readonly AuditEvent[];
  caption: string;
  /** The member column, left out on a member's own page. */
  showMember?: boolean;
}

/** M2, M5: security events, newest first. Below 40rem each row becomes a card. */
export function AuditEventsTable({ events, caption, showMember = true }: AuditEventsTableProps) {
  const ids = events.flatMap((event) => [event.userId, event.actor.userId]).filter((id): id is string => id !== null);
  const names = useMemberNames(ids);

  return (
    <table className="data-table">
      <caption className="visually-hidden">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Event</th>
          {showMember && <th scope="col">Member</th>}
          <th scope="col">By</th>
          <th scope="col">Address</th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody>
        {events.map((event) => (
          <tr key={event.id}>
            <td data-label="Time">
              <time dateTime={event.createdAt}>{formatDateTime(event.createdAt)}</time>
            </td>
            <th scope="row" data-label="Event">
              {describeAuditEvent(event.type)}
            </th>
            {showMember && (
              <td data-label="Member">{event.userId === null ? '—' : <MemberLink id={event.userId} name={names.get(event.userId)} />}</td>
            )}
            <td data-label="By">{describeActor(event, names)}</td>
            <td data-label="Address">{event.ip ?? '—'}</td>
            <td data-label="Details">
              <span className="audit-details">{describeDetails(event.details)}</span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MemberLink({ id, name }: { id: string; name: string | null | undefined }) {
  return <Link to={`/admin/users/${encodeURIComponent(id)}`}>{name ?? (name === null ? 'Former member' : 'Member')}</Link>;
}

function describeActor(event: AuditEvent, names: ReadonlyMap<string, string | null>): string {
  switch (event.actor.type) {
    case 'operator':
      return 'Operator (command line)';
    case 'system':
      return 'Tessera';
    case 'anonymous':
      return 'Not signed in';
    case 'api_key': {
      // K1: a key acts with its creator's rights; name both (the export keeps the ids).
      const key = event.actor.apiKey?.name ? `API key ‘${event.actor.apiKey.name}’` : 'An API key';
      const creator = event.actor.userId === null ? undefined : names.get(event.actor.userId);
      return creator ? `${key} (created by ${creator})` : key;
    }
    default: {
      const id = event.actor.userId;
      if (id === null) return '—';
      if (id === event.userId) return 'The member';
      return names.get(id) ?? 'An administrator';
    }
  }
}

/** The event's details as short "key: value" pairs; the export keeps them whole. */
function describeDetails(details: Record<string, unknown>): string {
  const parts = Object.entries(details)
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([key, value]) => `${key}: ${typeof value === 'object' ? JSON.stringify(value) : String(value)}`);
  return parts.length === 0 ? '—' : parts.join(', ');
}
