import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { isApiError } from '../api/client';
import { ConfirmPasswordDialog } from './ConfirmPasswordDialog';

interface ReauthenticationContextValue {
  /** Opens "Confirm your password"; resolves true once confirmed, false if the person cancels. */
  confirmPassword: () => Promise<boolean>;
}

const ReauthenticationContext = createContext<ReauthenticationContextValue | null>(null);

export function ReauthenticationProvider({ children }: { children: ReactNode }) {
  const [isOpen, setOpen] = useState(false);
  // Several actions may ask at once; they all wait for the same dialog.
  const pending = useRef<{ promise: Promise<boolean>; resolve: (confirmed: boolean) => void } | null>(null);

  const confirmPassword = useCallback(() => {
    if (pending.current) return pending.current.promise;
    let resolve: (confirmed: boolean) => void = () => {};
    const promise = new Promise<boolean>((settle) => {
      resolve = settle;
    });
    pending.current = { promise, resolve };
    setOpen(true);
    return promise;
  }, []);

  const finish = useCallback((confirmed: boolean) => {
    pending.current?.resolve(confirmed);
    pending.current = null;
    setOpen(false);
  }, []);

  const value = useMemo(() => ({ confirmPassword }), [confirmPassword]);
  return (
    <ReauthenticationContext.Provider value={value}>
      {children}
      {isOpen && <ConfirmPasswordDialog onConfirmed={() => finish(true)} onCancel={() => finish(false)} />}
    </ReauthenticationContext.Provider>
  );
}

export interface Reauthentication {
  confirmPassword: () => Promise<boolean>;
  /**
   * Runs a sensitive action; if the server answers `reauthentication_required` (A5), asks for the
   * password and runs it once more. A cancelled confirmation rethrows the original error.
   */
  withReauthentication: <T>(action: () => Promise<T>) => Promise<T>;
}

export function useReauthentication(): Reauthentication {
  const context = useContext(ReauthenticationContext);
  if (context === null) throw new Error('useReauthentication must be used inside <ReauthenticationProvider>.');
  const { confirmPassword } = context;

  const withReauthentication = useCallback(
    async <T,>(action: () => Promise<T>): Promise<T> => {
      try {
        return await action();
      } catch (error) {
        if (!isApiError(error, 'reauthentication_required')) throw error;
        if (!(await confirmPassword())) throw error;
        return action();
      }
    },
    [confirmPassword],
  );

  return useMemo(() => ({ confirmPassword, withReauthentication }), [confirmPassword, withReauthentication]);
}
