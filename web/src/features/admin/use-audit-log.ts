import { useCallback, useEffect, useRef, useState } from 'react';
import { toProblem, type Problem } from '../../api/client';
import { listAuditEvents, type AuditEvent, type AuditFilters } from './admin-api';

export interface AuditLog {
  events: AuditEvent[];
  status: 'loading' | 'ready' | 'failed';
  problem: Problem | null;
  hasMore: boolean;
  isLoadingMore: boolean;
  loadMore: () => void;
}

/** M5: pages through the audit log for one set of filters, newest first; null filters load nothing. */
export function useAuditLog(filters: AuditFilters | null): AuditLog {
  const [events, setEvents] = useState<AuditEvent[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<AuditLog['status']>('loading');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [isLoadingMore, setLoadingMore] = useState(false);
  const latestRequest = useRef(0);
  const filtersKey = filters === null ? '' : JSON.stringify(filters);

  useEffect(() => {
    const requestId = ++latestRequest.current;
    if (filtersKey === '') return;
    setStatus('loading');
    setProblem(null);
    listAuditEvents(JSON.parse(filtersKey) as AuditFilters, null)
      .then((page) => {
        if (requestId !== latestRequest.current) return;
        setEvents(page.events);
        setNextCursor(page.nextCursor);
        setStatus('ready');
      })
      .catch((error: unknown) => {
        if (requestId !== latestRequest.current) return;
        setProblem(toProblem(error));
        setStatus('failed');
      });
  }, [filtersKey]);

  const loadMore = useCallback(() => {
    if (nextCursor === null || filtersKey === '') return;
    const requestId = ++latestRequest.current;
    setLoadingMore(true);
    setProblem(null);
    listAuditEvents(JSON.parse(filtersKey) as AuditFilters, nextCursor)
      .then((page) => {
        if (requestId !== latestRequest.current) return;
        setEvents((previous) => [...previous, ...page.events]);
        setNextCursor(page.nextCursor);
      })
      .catch((error: unknown) => {
        if (requestId === latestRequest.current) setProblem(toProblem(error));
      })
      .finally(() => setLoadingMore(false));
  }, [filtersKey, nextCursor]);

  return { events, status, problem, hasMore: nextCursor !== null, isLoadingMore, loadMore };
}
