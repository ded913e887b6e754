import { useCallback, useEffect, useRef, useState } from 'react';
import { toProblem, type Problem } from '../api/client';

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CursorPages<T> {
  items: T[];
  status: 'loading' | 'ready' | 'failed';
  problem: Problem | null;
  hasMore: boolean;
  isLoadingMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

/**
 * A list the server hands out page by page with a cursor (M1 users grid, M5 audit log): the first
 * page for each query, then more on request. `query` null loads nothing; `fetchPage` must be a
 * stable function (defined outside the component).
 */
export function useCursorPages<Q, T>(query: Q | null, fetchPage: (query: Q, cursor: string | null) => Promise<CursorPage<T>>): CursorPages<T> {
  const [items, setItems] = useState<T[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<CursorPages<T>['status']>('loading');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [isLoadingMore, setLoadingMore] = useState(false);
  const [revision, setRevision] = useState(0);
  // Each request gets a number; only the newest one may write its answer.
  const latestRequest = useRef(0);
  // The query as a value: a new object with the same contents is the same list.
  const queryKey = query === null ? '' : JSON.stringify(query);

  useEffect(() => {
    const requestId = ++latestRequest.current;
    if (queryKey === '') return;
    setStatus('loading');
    setProblem(null);
    fetchPage(JSON.parse(queryKey) as Q, null)
      .then((page) => {
        if (requestId !== latestRequest.current) return;
        setItems(page.items);
        setNextCursor(page.nextCursor);
        setStatus('ready');
      })
      .catch((error: unknown) => {
        if (requestId !== latestRequest.current) return;
        setProblem(toProblem(error));
        setStatus('failed');
      });
  }, [queryKey, revision, fetchPage]);

  const loadMore = useCallback(() => {
    if (nextCursor === null || queryKey === '') return;
    const requestId = ++latestRequest.current;
    setLoadingMore(true);
    setProblem(null);
    fetchPage(JSON.parse(queryKey) as Q, nextCursor)
      .then((page) => {
        if (requestId !== latestRequest.current) return;
        setItems((previous) => [...previous, ...page.items]);
        setNextCursor(page.nextCursor);
      })
      .catch((error: unknown) => {
        if (requestId === latestRequest.current) setProblem(toProblem(error));
      })
      .finally(() => setLoadingMore(false));
  }, [queryKey, nextCursor, fetchPage]);

  const reload = useCallback(() => setRevision((value) => value + 1), []);

  return { items, status, problem, hasMore: nextCursor !== null, isLoadingMore, loadMore, reload };
}
