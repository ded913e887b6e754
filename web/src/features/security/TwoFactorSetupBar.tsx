import { formatDateTime } from '../../components/format';
import { Link } from '../../router/router';
import { useSession } from '../../session/session-context';
import { describeRequirer, isGracePeriod, securitySettingsPath } from './two-factor-requirement';

/**
 * P5, P6: shown on every page while a required setup is not done; it has no close button on
 * purpose. During a grace period it names the deadline; after it, sensitive changes are refused.
 */
export function TwoFactorSetupBar({ deadline }: { deadline: string | null }) {
  const session = useSession();
  const requirer = describeRequirer(session);
  return (
    <aside className="notice-bar notice-bar-required" aria-label="Two-factor authentication required">
      <div className="notice-bar-inner">
        {isGracePeriod(deadline) ? (
          <p>
            {requirer} requires two-factor authentication from <strong>{formatDateTime(deadline)}</strong>. Set it up before
            then to keep full access to your account.
          </p>
        ) : (
          <p>
            {requirer} requires two-factor authentication. Until you set it up, changes such as your profile, password, users
            and organization settings are refused.
          </p>
        )}
        <Link to={securitySettingsPath} className="button button-secondary button-small">
          Set up two-factor authentication
        </Link>
      </div>
    </aside>
  );
}
