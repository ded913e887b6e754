// O3/O8: where a sign-in goes back to when it began elsewhere: an application's authorization
// (`?interaction=`, finished by the server at /oauth/interaction/:uid) or a page behind a reverse
// proxy (`?return_to=`, followed only when the server allows it: PUBLIC_URL's host or a registered
// application's origin). Remembered for this tab across the second step and a required setup.
import { api, withQuery } from '../../api/client';

const storageKey = 'tessera.returnAfterSignIn';
/** As long as the provider keeps an interaction (1 hour). */
const rememberedForInMs = 60 * 60 * 1000;

export interface PendingReturn {
  interaction?: string;
  returnTo?: string;
  /** The application asked for a fresh sign-in (O5): the current session does not do. */
  stepUp: boolean;
  at: number;
}

export function rememberReturn(searchParams: URLSearchParams): void {
  const interaction = searchParams.get('interaction');
  const returnTo = searchParams.get('return_to');
  if (!interaction && !returnTo) return;
  const pending: PendingReturn = {
    ...(interaction && /^[A-Za-z0-9_-]{1,100}$/.test(interaction) ? { interaction } : {}),
    ...(returnTo ? { returnTo } : {}),
    stepUp: searchParams.get('reason') !== null,
    at: Date.now(),
  };
  window.sessionStorage.setItem(storageKey, JSON.stringify(pending));
}

export function peekReturn(): PendingReturn | undefined {
  const raw = window.sessionStorage.getItem(storageKey);
  if (!raw) return undefined;
  try {
    const pending = JSON.parse(raw) as PendingReturn;
    if (Date.now() - pending.at > rememberedForInMs) {
      window.sessionStorage.removeItem(storageKey);
      return undefined;
    }
    return pending;
  } catch {
    window.sessionStorage.removeItem(storageKey);
    return undefined;
  }
}

/** Leaves the app for the remembered place (a full page load); false when there is none to go to. */
export async function leaveForRememberedReturn(): Promise<boolean> {
  const pending = peekReturn();
  window.sessionStorage.removeItem(storageKey);
  if (!pending) return false;
  if (pending.interaction) {
    window.location.assign(`/oauth/interaction/${encodeURIComponent(pending.interaction)}`);
    return true;
  }
  if (pending.returnTo) {
    const { returnTo } = await api.get<{ returnTo: string | null }>(withQuery('/api/v1/auth/return-to', { url: pending.returnTo }));
    if (returnTo) {
      window.location.assign(returnTo);
      return true;
    }
  }
  return false;
}
