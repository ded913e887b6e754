import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { isApiError, subscribeToProblems } from '../api/client';
import { fetchSession, type Session } from '../api/session';
import { isKnownRequiredActionId } from './required-actions';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed_out' }
  | { status: 'signed_in'; session: Session }
  | { status: 'unavailable'; message: string };

interface SessionContextValue {
  state: SessionState;
  /** Reloads the session (after sign-in, sign-out or a change to the person) and returns it. */
  refresh: () => Promise<SessionState>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

async function loadSessionState(): Promise<SessionState> {
  try {
    return { status: 'signed_in', session: await fetchSession() };
  } catch (error) {
    if (isApiError(error) && error.problem.status === 401) return { status: 'signed_out' };
    return { status: 'unavailable', message: 'Tessera could not load your session. Please reload the page.' };
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    const next = await loadSessionState();
    setState(next);
    return next;
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // A request refused because of a required action (started in another tab, say) means the
  // session we hold is stale: reload it so the app shows the page that completes the action.
  useEffect(
    () =>
      subscribeToProblems((problem) => {
        if (problem.status === 403 && isKnownRequiredActionId(problem.code)) void refresh();
      }),
    [refresh],
  );

  const value = useMemo(() => ({ state, refresh }), [state, refresh]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionState(): SessionContextValue {
  const value = useContext(SessionContext);
  if (value === null) throw new Error('useSessionState must be used inside <SessionProvider>.');
  return value;
}

/** The signed-in session; only for components rendered behind the sign-in guard. */
export function useSession(): Session {
  const { state } = useSessionState();
  if (state.status !== 'signed_in') throw new Error('useSession needs a signed-in session.');
  return state.session;
}
