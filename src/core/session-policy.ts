// When a session stops being valid (A3). Times are milliseconds since the epoch.

export interface SessionLifetime {
  idleTimeoutInMs: number;
  absoluteTimeoutInMs: number;
}

export const defaultSessionLifetime: SessionLifetime = {
  idleTimeoutInMs: 12 * 60 * 60 * 1000,
  absoluteTimeoutInMs: 30 * 24 * 60 * 60 * 1000,
};

/** A5: how long a confirmed password counts as recent. */
export const reauthenticationWindowInMs = 10 * 60 * 1000;

/** lastSeenAt is written at most this often, so reading a session is not a write per request. */
export const lastSeenResolutionInMs = 60 * 1000;

export type SessionValidity = { ok: true } | { ok: false; reason: 'idle_expired' | 'absolute_expired' };

export function checkSessionValidity(
  session: { createdAt: number; lastSeenAt: number },
  nowInMs: number,
  lifetime: SessionLifetime,
): SessionValidity {
  if (nowInMs - session.createdAt >= lifetime.absoluteTimeoutInMs) return { ok: false, reason: 'absolute_expired' };
  if (nowInMs - session.lastSeenAt >= lifetime.idleTimeoutInMs) return { ok: false, reason: 'idle_expired' };
  return { ok: true };
}

export function isReauthenticationRecent(reauthenticatedAt: number | null, nowInMs: number): boolean {
  return reauthenticatedAt !== null && nowInMs - reauthenticatedAt < reauthenticationWindowInMs;
}

export function shouldRefreshLastSeen(lastSeenAt: number, nowInMs: number): boolean {
  return nowInMs - lastSeenAt >= lastSeenResolutionInMs;
}
