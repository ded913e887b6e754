import { AppShell } from './components/AppShell';
import { PageHeading } from './components/PageHeading';
import { LeaveForReturn } from './components/LeaveForReturn';
import { Redirect } from './components/Redirect';
import { peekReturn, rememberReturn } from './features/auth/return-after-sign-in';
import { renderRequiredActionPage } from './required-action-views';
import { findRoute } from './routes';
import { Link, safeNextPath, useLocation } from './router/router';
import { findBlockingAction } from './session/required-actions';
import { useSessionState } from './session/session-context';

const signedInHome = '/settings';

export function App() {
  const { state } = useSessionState();
  const { pathname, searchParams } = useLocation();

  if (state.status === 'loading') {
    return (
      <p className="centered-message muted" role="status">
        Loading…
      </p>
    );
  }
  if (state.status === 'unavailable') {
    return (
      <div className="centered-message alert alert-error" role="alert">
        <p>{state.message}</p>
      </div>
    );
  }

  const session = state.status === 'signed_in' ? state.session : null;

  // A blocking required action replaces every page until it is done; the address stays, so the
  // person lands where they were going afterwards.
  const blocking = session ? findBlockingAction(session.requiredActions) : undefined;
  if (session && blocking) {
    return (
      <AppShell session={session} isRestricted>
        {renderRequiredActionPage(blocking)}
      </AppShell>
    );
  }

  if (pathname === '/') return <Redirect to={session ? signedInHome : '/login'} />;

  const match = findRoute(pathname);
  if (match === undefined) {
    return (
      <AppShell session={session}>
        <NotFound />
      </AppShell>
    );
  }

  const route = match.definition;
  switch (route.access) {
    case 'guest':
      if (session) {
        // O3/O8: a sign-in that began at an application (or behind a proxy) goes back there,
        // unless the application asked for a fresh sign-in (O5): then the sign-in pages stay.
        if (searchParams.has('interaction') || searchParams.has('return_to')) rememberReturn(searchParams);
        const pending = peekReturn();
        if (pending?.stepUp) break;
        if (pending) return <LeaveForReturn fallback={safeNextPath(searchParams.get('next'), signedInHome)} />;
        return <Redirect to={safeNextPath(searchParams.get('next'), signedInHome)} />;
      }
      break;
    case 'member':
    case 'admin':
      if (!session) return <Redirect to={`/login?next=${encodeURIComponent(pathname + window.location.search)}`} />;
      if (route.access === 'admin' && session.user.role !== 'admin') {
        return (
          <AppShell session={session}>
            <NotAllowed />
          </AppShell>
        );
      }
      break;
    case 'public':
      break;
  }

  return <AppShell session={session}>{route.render(match.params)}</AppShell>;
}

function NotFound() {
  return (
    <div className="page">
      <PageHeading>Page not found</PageHeading>
      <p>There is nothing at this address.</p>
      <p>
        <Link to="/">Go to the start page</Link>
      </p>
    </div>
  );
}

function NotAllowed() {
  return (
    <div className="page">
      <PageHeading>Not available</PageHeading>
      <p>Only administrators of your organization can open this page.</p>
      <p>
        <Link to={signedInHome}>Go to your settings</Link>
      </p>
    </div>
  );
}
