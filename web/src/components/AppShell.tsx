import type { ReactNode } from 'react';
import type { Session } from '../api/session';
import { Link } from '../router/router';
import { AppHeader } from './AppHeader';
import { Logo } from './Logo';
import { VerifyEmailBar } from './VerifyEmailBar';

/** The frame around every page: header and notices when signed in, a plain brand bar otherwise. */
export function AppShell({ session, children }: { session: Session | null; children: ReactNode }) {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      {session ? <AppHeader session={session} /> : <SignedOutHeader />}
      {session && !session.user.emailVerified && <VerifyEmailBar email={session.user.email} />}
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
