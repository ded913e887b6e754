import { useId } from 'react';
import { PageHeading } from '../../components/PageHeading';
import { ProblemAlert } from '../../components/ProblemAlert';
import { SelectField } from '../../components/SelectField';
import { navigate, useLocation } from '../../router/router';
import { auditExportUrl, type AuditFilters } from './admin-api';
import { AuditEventsTable } from './AuditEventsTable';
import { auditEventLabels } from './audit-sentences';
import { MemberPicker } from './MemberPicker';
import { useAuditLog } from './use-audit-log';
import './admin.css';

const typeOptions = [
  { value: '', label: 'All events' },
  ...Object.entries(auditEventLabels)
    .map(([value, label]) => ({ value, label }))
    .sort((a, b) => a.label.localeCompare(b.label)),
];

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** The address holds the filters as the person chose them: dates as days, in their time zone. */
interface AuditQuery {
  userId: string;
  type: string;
  from: string;
  to: string;
}

function parseAuditQuery(params: URLSearchParams): AuditQuery {
  const day = (name: string) => {
    const value = params.get(name) ?? '';
    return datePattern.test(value) ? value : '';
  };
  return { userId: params.get('userId') ?? '', type: params.get('type') ?? '', from: day('from'), to: day('to') };
}

function auditPath(query: AuditQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== '') params.set(key, value);
  const search = params.toString();
  return search === '' ? '/admin/audit' : `/admin/audit?${search}`;
}

/** Midnight at the start of a day in the person's time zone, as the server's ISO time. */
function startOfDay(day: string, addDays = 0): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  return new Date(year, month - 1, date + addDays).toISOString();
}

/** The API's filters: `from` inclusive, `to` exclusive, so "to" a day means up to its end. */
function toFilters(query: AuditQuery): AuditFilters {
  return {
    userId: query.userId,
    type: query.type,
    from: query.from ? startOfDay(query.from) : '',
    to: query.to ? startOfDay(query.to, 1) : '',
  };
}

/** M5: the organization's security events, filtered by member, type and time, and exported as JSON lines. */
export function AuditLogPage() {
  const { searchParams } = useLocation();
  const query = parseAuditQuery(searchParams);
  const rangeError = query.from && query.to && query.from > query.to ? 'The end date must be on or after the start date.' : undefined;
  const filters = rangeError ? null : toFilters(query);
  const log = useAuditLog(filters);
  const fromId = useId();
  const toId = useId();
  const isFiltered = Object.values(query).some((value) => value !== '');

  function show(next: AuditQuery) {
    navigate(auditPath(next), { replace: true, keepScroll: true });
  }

  return (
    <div className="page page-wide">
      <div className="page-header">
        <PageHeading>Audit log</PageHeading>
        {filters && (
          <a className="button button-secondary" href={auditExportUrl(filters)} download>
            Export (JSON lines)
          </a>
        )}
      </div>
      <section className="card" aria-labelledby="audit-heading">
        <h2 id="audit-heading" className="visually-hidden">
          Security events
        </h2>
        <form className="audit-filters" aria-label="Filter events" onSubmit={(event) => event.preventDefault()}>
          <MemberPicker label="Member" userId={query.userId} onChange={(userId) => show({ ...query, userId })} />
          <SelectField label="Event type" name="type" value={query.type} options={typeOptions} onValueChange={(type) => show({ ...query, type })} />
          <div className="field">
            <label htmlFor={fromId}>From</label>
            <input id={fromId} type="date" name="from" value={query.from} max={query.to || undefined} onChange={(event) => show({ ...query, from: event.target.value })} />
          </div>
          <div className="field">
            <label htmlFor={toId}>To (inclusive)</label>
            <input
              id={toId}
              type="date"
              name="to"
              value={query.to}
              min={query.from || undefined}
              onChange={(event) => show({ ...query, to: event.target.value })}
              aria-invalid={rangeError ? true : undefined}
              aria-describedby={rangeError ? `${toId}-error` : undefined}
            />
            {rangeError && (
              <p id={`${toId}-error`} className="field-error">
                {rangeError}
              </p>
            )}
          </div>
          {isFiltered && (
            <div className="directory-filters-actions">
              <button type="button" className="button button-secondary" onClick={() => show({ userId: '', type: '', from: '', to: '' })}>
                Clear filters
              </button>
            </div>
          )}
        </form>

        {log.problem && <ProblemAlert problem={log.problem} />}
        {filters && log.status === 'loading' && <p role="status">Loading events…</p>}
        {filters && log.status === 'ready' && log.events.length === 0 && (
          <p className="muted">{isFiltered ? 'No events match these filters.' : 'No events yet.'}</p>
        )}
        {filters && log.status === 'ready' && log.events.length > 0 && <AuditEventsTable events={log.events} caption="Security events, newest first" />}
        {filters && log.status === 'ready' && log.hasMore && (
          <div className="form-actions">
            <button type="button" className="button button-secondary" onClick={log.loadMore} disabled={log.isLoadingMore}>
              {log.isLoadingMore ? 'Loading…' : 'Load more'}
            </button>
          </div>
        )}
      </section>
    </div>
  );
}
