import { useEffect, useState } from 'react';
import { fetchMember } from './admin-api';

// Audit events name members by id. Names are looked up once per id and kept for the visit;
// a member who is gone (or an id the server does not know) stays unnamed.
const knownNames = new Map<string, string | null>();
const pending = new Map<string, Promise<void>>();

function lookUp(id: string): Promise<void> {
  let request = pending.get(id);
  if (request === undefined) {
    request = fetchMember(id)
      .then((details) => void knownNames.set(id, details.user.name))
      .catch(() => void knownNames.set(id, null));
    pending.set(id, request);
  }
  return request;
}

/** Remembers a name already at hand (from a grid row, say), sparing a request. */
export function rememberMemberName(id: string, name: string): void {
  knownNames.set(id, name);
}

/** The names of the members with these ids, as far as they are known yet. */
export function useMemberNames(ids: readonly string[]): ReadonlyMap<string, string | null> {
  const [, setRevision] = useState(0);
  const key = [...new Set(ids)].sort().join(',');

  useEffect(() => {
    if (key === '') return;
    let isCurrent = true;
    const unknown = key.split(',').filter((id) => !knownNames.has(id));
    if (unknown.length === 0) return;
    void Promise.all(unknown.map(lookUp)).then(() => {
      if (isCurrent) setRevision((value) => value + 1);
    });
    return () => {
      isCurrent = false;
    };
  }, [key]);

  return knownNames;
}
