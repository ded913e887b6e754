import { useCallback, useEffect, useRef, useState } from 'react';
import { toProblem, type Problem } from '../../api/client';
import { listUsers, type OrganizationUser } from './admin-api';

export interface UserDirectory {
  users: OrganizationUser[];
  status: 'loading' | 'ready' | 'failed';
  problem: Problem | null;
  hasMore: boolean;
  isLoadingMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

/** Pages through the organization's users for one search term, cursor by cursor (M1). */
export function useUserDirectory(query: string): UserDirectory {
  const [users, setUsers] = useState<OrganizationUser[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<UserDirectory['status']>('loading');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [isLoadingMore, setLoadingMore] = useState(false);
  const [revision, setRevision] = useState(0);
  // Each request gets a number; only the newest one may write its answer.
  const latestRequest = useRef(0);

  useEffect(() => {
    const requestId = ++latestRequest.current;
    setStatus('loading');
    setProblem(null);
    listUsers({ q: query, cursor: null })
      .then((page) => {
        if (requestId !== latestRequest.current) return;
        setUsers(page.users);
        setNextCursor(page.nextCursor);
        setStatus('ready');
      })
      .catch((error: unknown) => {
        if (requestId !== latestRequest.current) return;
        setProblem(toProblem(error));
        setStatus('failed');
      });
  }, [query, revision]);

  const loadMore = useCallback(() => {
    if (nextCursor === null) return;
    const requestId = ++latestRequest.current;
    setLoadingMore(true);
    setProblem(null);
    listUsers({ q: query, cursor: nextCursor })
      .then((page) => {
        if (requestId !== latestRequest.current) return;
        setUsers((previous) => [...previous, ...page.users]);
        setNextCursor(page.nextCursor);
      })
      .catch((error: unknown) => {
        if (requestId === latestRequest.current) setProblem(toProblem(error));
      })
      .finally(() => setLoadingMore(false));
  }, [query, nextCursor]);

  const reload = useCallback(() => setRevision((value) => value + 1), []);

  return { users, status, problem, hasMore: nextCursor !== null, isLoadingMore, loadMore, reload };
}
