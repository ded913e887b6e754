import { useEffect, useState } from 'react';
import type { Session } from '../../api/session';
import { Link, useLocation } from '../../router/router';
import { fetchTwoFactorStatus } from './two-factor-api';

/**
 * Issue 17 item 4: a new administrator (verified, not required to use it yet) is asked to protect
 * their own account until two-factor authentication is on. Not shown on the security settings,
 * where the person already is, nor beside the P5 bar, which says the same more firmly.
 */
export function ProtectYourAccountBar({ session }: { session: Session }) {
  const { pathname, searchParams } = useLocation();
  const [isOn, setOn] = useState<boolean | null>(null);
  const isApplicable =
    session.user.role === 'admin' && session.user.emailVerified && !session.requiredActions.some((action) => action.action === 'two_factor_setup_required');
  const isOnSecuritySettings = pathname === '/settings' && searchParams.get('tab') === 'security';

  // Asked again on every page change: turning it on elsewhere (another tab) takes the bar away.
  useEffect(() => {
    if (!isApplicable) return;
    let isCurrent = true;
    fetchTwoFactorStatus()
      .then((status) => isCurrent && setOn(status.enabled))
      .catch(() => isCurrent && setOn(null));
    return () => {
      isCurrent = false;
    };
  }, [isApplicable, pathname]);

  if (!isApplicable || isOn !== false || isOnSecuritySettings) return null;
  return (
    <aside className="notice-bar notice-bar-protect" aria-label="Protect your account">
      <div className="notice-bar-inner">
        <p>
          <strong>Protect your administrator account.</strong> Turn on two-factor authentication, so a stolen password alone cannot open
          your organization.
        </p>
        <Link className="button button-primary button-small" to="/settings?tab=security">
          Turn on two-factor authentication
        </Link>
      </div>
    </aside>
  );
}
