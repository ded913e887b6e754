// O6: once the Tessera session a grant was issued in has ended (in any way: sign-out, ended from
// the sessions list, password change or reset, an administrator's reset, expiry), its tokens are
// revoked and applications with a back-channel logout URI get a logout token (OpenID Connect
// Back-Channel Logout 1.0), made and sent by oidc-provider (Client#backchannelLogout). This runs
// in the background, never inside the request that ended the session; a failed delivery is
// retried, each attempt claimed by a conditional update so several instances send it once.
import type Provider from 'oidc-provider';
import type { AppContext } from '../services/context.js';
import { startPeriodicJob, type PeriodicJob, type PeriodicJobLogger } from '../services/periodic-job.js';
import { claimEndedGrants, deleteApplicationGrant } from '../store/application-grants.js';
import { deleteOidcPayloadsOfGrant } from '../store/oidc-payloads.js';

export const backchannelLogoutIntervalInMs = 5 * 1000;
export const logoutRetryDelayInMs = 60 * 1000;
export const maxLogoutAttempts = 10;
const batchSize = 100;

export interface LogoutPass {
  revoked: number;
  delivered: number;
  failed: number;
}

export async function deliverBackchannelLogouts(context: AppContext, provider: Provider, logger?: PeriodicJobLogger): Promise<LogoutPass> {
  const now = context.clock.now().getTime();
  const claimed = await claimEndedGrants(context.db, now, now + logoutRetryDelayInMs, batchSize);
  const pass: LogoutPass = { revoked: 0, delivered: 0, failed: 0 };
  for (const grant of claimed) {
    // The session has ended: its grant's tokens stop at once (already refused, see adapter.ts).
    await deleteOidcPayloadsOfGrant(context.db, grant.grantId);
    pass.revoked += 1;
    if (grant.backchannelLogoutUri) {
      try {
        const client = await provider.Client.find(grant.clientId);
        // Typed loosely in @types/oidc-provider; `sid` is not sent (backchannel_logout_session_required is false).
        if (client) await (client as unknown as { backchannelLogout(sub: string, sid: string): Promise<void> }).backchannelLogout(grant.userId, '');
        pass.delivered += 1;
      } catch (error) {
        pass.failed += 1;
        logger?.error({ clientId: grant.clientId, attempt: grant.logoutAttempts, error: error instanceof Error ? error.message : String(error) }, 'back-channel logout failed');
        // Kept for another attempt (claimed again after the retry delay), up to a limit.
        if (grant.logoutAttempts < maxLogoutAttempts) continue;
      }
    }
    await deleteApplicationGrant(context.db, grant.grantId);
  }
  return pass;
}

export function startBackchannelLogoutJob(context: AppContext, provider: Provider, logger: PeriodicJobLogger, intervalInMs = backchannelLogoutIntervalInMs): PeriodicJob {
  return startPeriodicJob('backchannel-logout', () => deliverBackchannelLogouts(context, provider, logger), intervalInMs, logger);
}
