import { describeProblem, type Problem } from '../api/client';
import { Link } from '../router/router';

/** Where a member sets up two-factor authentication (the Security tab of their settings). */
export const securitySettingsPath = '/settings?tab=security';

/**
 * What went wrong, in a sentence. P5: a change refused because two-factor authentication is
 * required and not set up yet says so and leads to the setup, rather than a bare "forbidden".
 */
export function ProblemText({ problem }: { problem: Problem }) {
  if (problem.code === 'two_factor_setup_required') {
    return (
      <p>
        Two-factor authentication is required for your account, and this change is not possible until you set it up.{' '}
        <Link to={securitySettingsPath}>Set it up in your security settings</Link>
      </p>
    );
  }
  return <p>{describeProblem(problem)}</p>;
}

/** A problem that is not tied to a form: a list that failed to load, an action that was refused. */
export function ProblemAlert({ problem }: { problem: Problem }) {
  return (
    <div className="alert alert-error" role="alert">
      <ProblemText problem={problem} />
    </div>
  );
}
