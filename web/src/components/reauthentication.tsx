import { createContext, useCallback, useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import { isApiError } from '../api/client';
import { ConfirmPasswordDialog } from './ConfirmPasswordDialog';

/** `withCode`: A5, a current second-factor code is asked for with the password. */
export interface ConfirmationRequest {
  withCode?: boolean;
}

interface ReauthenticationContextValue {
  /** Opens "Confirm your password"; resolves true once confirmed, false if the person cancels. */
  confirmPassword: (request?: ConfirmationRequest) => Promise<boolean>;
}

const ReauthenticationContext = createContext<ReauthenticationContextValue | null>(null);

export function ReauthenticationProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState<{ withCode: boolean } | null>(null);
  // Several actions may ask at once; they all wait for the same dialog.
  const pending = useRef<{ promise: Promise<boolean>; resolve: (confirmed: boolean) => void } | null>(null);

  const confirmPassword = useCallback((request: ConfirmationRequest = {}) => {
    if (pending.current) return pending.current.promise;
    let resolve: (confirmed: boolean) => void = () => {};
    const promise = new Promise<boolean>((settle) => {
      resolve = settle;
    });
    pending.current = { promise, resolve };
    setOpen({ withCode: request.withCode ?? false });
    return promise;
  }, []);

  const finish = useCallback((confirmed: boolean) => {
    pending.current?.resolve(confirmed);
    pending.current = null;
    setOpen(null);
  }, []);

  const value = useMemo(() => ({ confirmPassword }), [confirmPassword]);
  return (
    <ReauthenticationContext.Provider value={value}>
      {children}
      {open && <ConfirmPasswordDialog withCode={open.withCode} onConfirmed={() => finish(true)} onCancel={() => finish(false)} />}
    </ReauthenticationContext.Provider>
  );
}

export interface Reauthentication {
  confirmPassword: (request?: ConfirmationRequest) => Promise<boolean>;
  /**
   * Runs a sensitive action; if the server answers `reauthentication_required` (A5), asks for the
   * password and runs it once more; `second_factor_reauthentication_required` asks for the password
   * and a current code. A cancelled confirmation rethrows the original error.
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
        const withCode = isApiError(error, 'second_factor_reauthentication_required');
        if (!withCode && !isApiError(error, 'reauthentication_required')) throw error;
        if (!(await confirmPassword({ withCode }))) throw error;
        return action();
      }
    },
    [confirmPassword],
  );

  return useMemo(() => ({ confirmPassword, withReauthentication }), [confirmPassword, withReauthentication]);
}
