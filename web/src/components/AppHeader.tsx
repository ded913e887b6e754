import { useEffect, useId, useState } from 'react';
import { describeProblem, toProblem } from '../api/client';
import { signOut, type Session } from '../api/session';
import { Link, navigate, useLocation } from '../router/router';
import { useSessionState } from '../session/session-context';
import { Logo } from './Logo';

interface NavItem {
  to: string;
  label: string;
  isVisible: (session: Session) => boolean;
}

const navItems: readonly NavItem[] = [
  { to: '/settings', label: 'Settings', isVisible: () => true },
  { to: '/admin/overview', label: 'Overview', isVisible: isAdministrator },
  { to: '/admin/users', label: 'Users', isVisible: isAdministrator },
  { to: '/admin/audit', label: 'Audit log', isVisible: isAdministrator },
  { to: '/admin/api-keys', label: 'API keys', isVisible: isAdministrator },
  { to: '/admin/applications', label: 'Applications', isVisible: isAdministrator },
  { to: '/admin/settings', label: 'Organization', isVisible: isAdministrator },
];

function isAdministrator(session: Session): boolean {
  return session.user.role === 'admin';
}

export function AppHeader({ session, isRestricted = false }: { session: Session; isRestricted?: boolean }) {
  const { pathname } = useLocation();
  const { refresh } = useSessionState();
  const [isSigningOut, setSigningOut] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // Issue 17 item 7: at phone widths the navigation and the account fold behind a Menu button.
  const [isMenuOpen, setMenuOpen] = useState(false);
  const menuId = useId();

  // Following a link closes the menu.
  useEffect(() => setMenuOpen(false), [pathname]);

  async function handleSignOut() {
    setSigningOut(true);
    setError(null);
    try {
      await signOut();
      await refresh();
      navigate('/login');
    } catch (caught) {
      setError(describeProblem(toProblem(caught)));
    } finally {
      setSigningOut(false);
    }
  }

  return (
    <header className="app-header">
      <div className="app-header-inner">
        <Link to="/settings" className="brand">
          <Logo />
          <span>Tessera</span>
        </Link>
        <button
          type="button"
          className="menu-button button button-secondary button-small"
          aria-expanded={isMenuOpen}
          aria-controls={menuId}
          onClick={() => setMenuOpen((open) => !open)}
        >
          <span aria-hidden="true" className="menu-button-icon">
            {isMenuOpen ? '✕' : '☰'}
          </span>
          Menu
        </button>
        <div id={menuId} className="app-menu" data-open={isMenuOpen}>
          {!isRestricted && (
            <nav className="app-nav" aria-label="Main">
              <ul>
                {navItems
                  .filter((item) => item.isVisible(session))
                  .map((item) => (
                    <li key={item.to}>
                      <Link to={item.to} aria-current={pathname.startsWith(item.to) ? 'page' : undefined}>
                        {item.label}
                      </Link>
                    </li>
                  ))}
              </ul>
            </nav>
          )}
          <div className="app-user">
            <span className="app-user-name" title={session.user.email}>
              <span className="visually-hidden">Signed in as </span>
              {session.user.name}
            </span>
            <button type="button" className="button button-secondary button-small" onClick={handleSignOut} disabled={isSigningOut}>
              {isSigningOut ? 'Signing out…' : 'Sign out'}
            </button>
          </div>
        </div>
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
      </div>
    </header>
  );
}
