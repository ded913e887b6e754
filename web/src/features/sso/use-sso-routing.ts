import { useCallback, useEffect, useRef, useState } from 'react';
import { startSingleSignOn } from './sso-api';

const plausibleEmail = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const settleDelayInMs = 400;

export interface SsoRouting {
  /** Where the provider's sign-in starts, once the typed address turned out to be routed (E2). */
  redirectUrl: string | null;
  /** Asks now (for a submit): the provider's address for `email`, or null to use the password. */
  check: (email: string) => Promise<string | null>;
  /** The person chose their password (E5: administrators keep it): no routing for this address. */
  usePassword: () => void;
}

/**
 * E1/E2: after the e-mail address is typed, whether its domain signs in through the organization's
 * identity provider. Each answer is for one address; the latest start wins, as its cookie does.
 */
export function useSsoRouting(email: string): SsoRouting {
  const typed = email.trim().toLowerCase();
  const [answer, setAnswer] = useState<{ email: string; redirectUrl: string | null } | null>(null);
  const [passwordFor, setPasswordFor] = useState<string | null>(null);
  const latest = useRef<{ email: string; promise: Promise<string | null> } | null>(null);

  const check = useCallback(
    (address: string): Promise<string | null> => {
      const key = address.trim().toLowerCase();
      if (!plausibleEmail.test(key) || key === passwordFor) return Promise.resolve(null);
      if (latest.current?.email === key) return latest.current.promise;
      const promise = startSingleSignOn(key).catch(() => null);
      latest.current = { email: key, promise };
      void promise.then((redirectUrl) => {
        if (latest.current?.email === key) setAnswer({ email: key, redirectUrl });
      });
      return promise;
    },
    [passwordFor],
  );

  useEffect(() => {
    if (!plausibleEmail.test(typed)) return;
    const timer = setTimeout(() => void check(typed), settleDelayInMs);
    return () => clearTimeout(timer);
  }, [typed, check]);

  const isCurrent = answer !== null && answer.email === typed && typed !== passwordFor;
  return {
    redirectUrl: isCurrent ? answer.redirectUrl : null,
    check,
    usePassword: () => setPasswordFor(typed),
  };
}
