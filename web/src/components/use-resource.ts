import { useCallback, useEffect, useState } from 'react';
import { toProblem, type Problem } from '../api/client';

export type Resource<T> = { status: 'loading' } | { status: 'ready'; data: T } | { status: 'failed'; problem: Problem };

/**
 * Loads data for a component and reloads it on demand. `load` must be stable (module-level or
 * useCallback); answers to superseded loads are dropped so a slow one never overwrites a newer one.
 */
export function useResource<T>(load: () => Promise<T>): { resource: Resource<T>; reload: () => void } {
  const [resource, setResource] = useState<Resource<T>>({ status: 'loading' });
  const [revision, setRevision] = useState(0);

  useEffect(() => {
    let isCurrent = true;
    load()
      .then((data) => {
        if (isCurrent) setResource({ status: 'ready', data });
      })
      .catch((error: unknown) => {
        if (isCurrent) setResource({ status: 'failed', problem: toProblem(error) });
      });
    return () => {
      isCurrent = false;
    };
  }, [load, revision]);

  const reload = useCallback(() => setRevision((value) => value + 1), []);
  return { resource, reload };
}
