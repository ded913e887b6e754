import type { Session } from '../../api/session';

export { securitySettingsPath } from '../../components/ProblemAlert';

/** P1, P4: who asks for two-factor authentication, as the start of a sentence. */
export function describeRequirer(session: Session): string {
  return session.organization.twoFactor.requirement === 'required'
    ? session.organization.name
    : 'An administrator of your organization';
}

/** P6: a deadline still ahead; past or absent deadlines mean the requirement is in force now. */
export function isGracePeriod(deadline: string | null | undefined, now: Date = new Date()): deadline is string {
  if (!deadline) return false;
  const at = new Date(deadline).getTime();
  return Number.isFinite(at) && at > now.getTime();
}
