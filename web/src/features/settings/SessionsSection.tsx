import { useState } from 'react';
import { describeProblem, toProblem } from '../../api/client';
import { formatDateTime } from '../../components/format';
import { useReauthentication } from '../../components/reauthentication';
import { useResource } from '../../components/use-resource';
import { describeUserAgent } from './describe-user-agent';
import { endSession, listSessions, type AccountSession } from './settings-api';

const loadSessions = async () => (await listSessions()).sessions;

/** A3: every signed-in browser, with a way to end any but this one (that is "Sign out"). */
export function SessionsSection() {
  const { resource, reload } = useResource(loadSessions);
  const [endingId, setEndingId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const { withReauthentication } = useReauthentication();

  async function handleEnd(session: AccountSession) {
    setEndingId(session.id);
    setError(null);
    setNotice(null);
    try {
      await withReauthentication(() => endSession(session.id));
      setNotice(`Signed out ${describeUserAgent(session.userAgent)}.`);
      reload();
    } catch (caught) {
      setError(describeProblem(toProblem(caught)));
    } finally {
      setEndingId(null);
    }
  }

  return (
    <section className="card" aria-labelledby="sessions-heading">
      <h2 id="sessions-heading">Sessions</h2>
      <p className="muted">Browsers where you are signed in. Sign out any you do not recognise, then change your password.</p>
      <div role="status">{notice}</div>
      {error && (
        <div className="alert alert-error" role="alert">
          <p>{error}</p>
        </div>
      )}
      {resource.status === 'loading' && <p role="status">Loading sessions…</p>}
      {resource.status === 'failed' && (
        <div className="alert alert-error" role="alert">
          <p>{describeProblem(resource.problem)}</p>
        </div>
      )}
      {resource.status === 'ready' && (
        <ul className="session-list">
          {resource.data.map((session) => (
            <SessionItem key={session.id} session={session} isEnding={endingId === session.id} onEnd={() => handleEnd(session)} />
          ))}
        </ul>
      )}
    </section>
  );
}

interface SessionItemProps {
  session: AccountSession;
  isEnding: boolean;
  onEnd: () => void;
}

function SessionItem({ session, isEnding, onEnd }: SessionItemProps) {
  const device = describeUserAgent(session.userAgent);
  return (
    <li className="session-item">
      <div className="session-summary">
        <p className="session-device">
          <span title={session.userAgent ?? undefined}>{device}</span>
          {session.current && <span className="badge badge-accent">This device</span>}
        </p>
        <dl className="session-facts">
          <div>
            <dt>Address</dt>
            <dd>{session.ip ?? 'Unknown'}</dd>
          </div>
          <div>
            <dt>Signed in</dt>
            <dd>{formatDateTime(session.createdAt)}</dd>
          </div>
          <div>
            <dt>Last seen</dt>
            <dd>{formatDateTime(session.lastSeenAt)}</dd>
          </div>
        </dl>
        {session.userAgent && <p className="session-agent">{session.userAgent}</p>}
      </div>
      {!session.current && (
        <button type="button" className="button button-secondary button-small" onClick={onEnd} disabled={isEnding}>
          {isEnding ? 'Signing out…' : 'Sign out'}
          <span className="visually-hidden"> {device}, signed in {formatDateTime(session.createdAt)}</span>
        </button>
      )}
    </li>
  );
}
