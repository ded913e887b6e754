import { Fragment, type ReactNode } from 'react';
import type { Session } from '../api/session';
import { renderRequiredActionBar } from '../required-action-views';
import { Link } from '../router/router';
import { AppHeader } from './AppHeader';
import { Logo } from './Logo';
import { VerifyEmailBar } from './VerifyEmailBar';
import { ProtectYourAccountBar } from '../features/security/ProtectYourAccountBar';

interface AppShellProps {
  session: Session | null;
  /** A blocking required action is on screen: the navigation would only lead back to it. */
  isRestricted?: boolean;
  children: ReactNode;
}

/** The frame around every page: header and notices when signed in, a plain brand bar otherwise. */
export function AppShell({ session, isRestricted = false, children }: AppShellProps) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      {session ? <AppHeader session={session} isRestricted={isRestricted} /> : <SignedOutHeader />}
      {session && !session.user.emailVerified && <VerifyEmailBar email={session.user.email} />}
      {session?.requiredActions
        .filter((action) => !action.blocking)
        .map((action) => (
          <Fragment key={action.action}>{renderRequiredActionBar(action)}</Fragment>
        ))}
      {session && !isRestricted && <ProtectYourAccountBar session={session} />}
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

function SignedOutHeader() {
  return (
    <header className="app-header">
      <div className="app-header-inner">
        <Link to="/login" className="brand">
          <Logo />
          <span>Tessera</span>
        </Link>
      </div>
    </header>
  );
}
