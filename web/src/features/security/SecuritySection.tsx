import { useSession } from '../../session/session-context';
import './security.css';

/**
 * Two-factor authentication settings. For now a status card: setup (T1–T6), recovery codes (R*)
 * and turning it off (D1) arrive with the next issue.
 */
export function SecuritySection() {
  const { organization, user } = useSession();
  const isRequired = organization.twoFactor.requirement === 'required';

  return (
    <section className="card" aria-labelledby="two-factor-heading">
      <h2 id="two-factor-heading">Two-factor authentication</h2>
      <p className="muted">
        A second step at sign-in, with a code from an authenticator app, keeps your account safe even if someone learns your
        password.
      </p>
      <div className="status-card">
        <div>
          <p className="status-card-label">Status</p>
          <p className="status-card-value">
            <span className="badge badge-neutral">Off</span>
          </p>
        </div>
        {isRequired && <p className="status-card-note">{organization.name} requires two-factor authentication for everyone.</p>}
        {!user.emailVerified && <p className="status-card-note">Verify your e-mail address before you turn it on.</p>}
      </div>
    </section>
  );
}
