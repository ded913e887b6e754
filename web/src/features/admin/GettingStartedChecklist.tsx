import { useEffect, useState } from 'react';
import { Link } from '../../router/router';
import { useSession } from '../../session/session-context';
import { fetchTwoFactorStatus } from '../security/two-factor-api';

interface Step {
  id: string;
  label: string;
  isDone: boolean;
  action: { to: string; label: string } | null;
}

/**
 * Issue 17 item 4: a new organization's first steps, on the overview until they are all done,
 * protecting the administrator's own account first.
 */
export function GettingStartedChecklist({ memberCount }: { memberCount: number }) {
  const { user, organization } = useSession();
  const [isTwoFactorOn, setTwoFactorOn] = useState<boolean | null>(null);

  useEffect(() => {
    let isCurrent = true;
    fetchTwoFactorStatus()
      .then((status) => isCurrent && setTwoFactorOn(status.enabled))
      .catch(() => isCurrent && setTwoFactorOn(null));
    return () => {
      isCurrent = false;
    };
  }, []);

  if (isTwoFactorOn === null) return null;
  const steps: Step[] = [
    { id: 'verify', label: 'Verify your e-mail address', isDone: user.emailVerified, action: null },
    {
      id: 'two-factor',
      label: 'Turn on two-factor authentication for your own account',
      isDone: isTwoFactorOn,
      action: user.emailVerified ? { to: '/settings?tab=security', label: 'Turn it on' } : null,
    },
    { id: 'invite', label: 'Invite your teammates', isDone: memberCount > 1, action: { to: '/admin/users', label: 'Invite' } },
    {
      id: 'require',
      label: 'Require two-factor authentication for everyone',
      isDone: organization.twoFactor.requirement === 'required',
      action: { to: '/admin/settings', label: 'Open organization settings' },
    },
  ];
  if (steps.every((step) => step.isDone)) return null;
  const doneCount = steps.filter((step) => step.isDone).length;

  return (
    <section className="card getting-started" aria-labelledby="getting-started-heading">
      <div className="card-header">
        <h2 id="getting-started-heading">Getting started</h2>
        <span className="muted">
          {doneCount} of {steps.length} done
        </span>
      </div>
      <ol className="checklist">
        {steps.map((step) => (
          <li key={step.id} className={step.isDone ? 'checklist-done' : undefined}>
            <span className="checklist-mark" aria-hidden="true">
              {step.isDone ? '✓' : ''}
            </span>
            <span className="checklist-label">
              {step.label}
              <span className="visually-hidden">{step.isDone ? ' (done)' : ' (to do)'}</span>
            </span>
            {!step.isDone && step.action && (
              <Link className="button button-secondary button-small" to={step.action.to}>
                {step.action.label}
              </Link>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
