import { useCursorPages, type CursorPages } from '../../components/use-cursor-pages';
import { listAuditEvents, type AuditEvent, type AuditFilters } from './admin-api';

export type AuditLog = Omit<CursorPages<AuditEvent>, 'items' | 'reload'> & { events: AuditEvent[] };

const fetchAuditPage = async (filters: AuditFilters, cursor: string | null) => {
  const page = await listAuditEvents(filters, cursor);
  return { items: page.events, nextCursor: page.nextCursor };
};

/** M5: pages through the audit log for one set of filters, newest first; null filters load nothing. */
export function useAuditLog(filters: AuditFilters | null): AuditLog {
  const { items, ...pages } = useCursorPages(filters, fetchAuditPage);
  return { ...pages, events: items };
}
