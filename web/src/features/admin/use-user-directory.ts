import { useCallback, useEffect, useRef, useState } from 'react';
import { toProblem, type Problem } from '../../api/client';
import { listUsers, type OrganizationUser } from './admin-api';
import type { DirectoryQuery } from './directory-query';

export interface UserDirectory {
  users: OrganizationUser[];
  status: 'loading' | 'ready' | 'failed';
  problem: Problem | null;
  hasMore: boolean;
  isLoadingMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

/** Pages through the organization's users for one query (search, filters, sort), cursor by cursor (M1). */
export function useUserDirectory(query: DirectoryQuery): UserDirectory {
  const [users, setUsers] = useState<OrganizationUser[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<UserDirectory['status']>('loading');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [isLoadingMore, setLoadingMore] = useState(false);
  const [revision, setRevision] = useState(0);
  // Each request gets a number; only the newest one may write its answer.
  const latestRequest = useRef(0);
  // The query as a value: a new object with the same contents is the same list.
  const queryKey = JSON.stringify(query);

  useEffect(() => {
    const requestId = ++latestRequest.current;
    setStatus('loading');
    setProblem(null);
    listUsers(JSON.parse(queryKey) as DirectoryQuery, null)
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
  }, [queryKey, revision]);

  const loadMore = useCallback(() => {
    if (nextCursor === null) return;
    const requestId = ++latestRequest.current;
    setLoadingMore(true);
    setProblem(null);
    listUsers(JSON.parse(queryKey) as DirectoryQuery, nextCursor)
      .then((page) => {
        if (requestId !== latestRequest.current) return;
        setUsers((previous) => [...previous, ...page.users]);
        setNextCursor(page.nextCursor);
      })
      .catch((error: unknown) => {
        if (requestId === latestRequest.current) setProblem(toProblem(error));
      })
      .finally(() => setLoadingMore(false));
  }, [queryKey, nextCursor]);

  const reload = useCallback(() => setRevision((value) => value + 1), []);

  return { users, status, problem, hasMore: nextCursor !== null, isLoadingMore, loadMore, reload };
}
