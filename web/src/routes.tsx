import type { ReactNode } from 'react';
import { AcceptInvitationPage } from './features/auth/AcceptInvitationPage';
import { ForgotPasswordPage } from './features/auth/ForgotPasswordPage';
import { LoginPage } from './features/auth/LoginPage';
import { ResetPasswordPage } from './features/auth/ResetPasswordPage';
import { SignupPage } from './features/auth/SignupPage';
import { TwoFactorChallengePage } from './features/auth/TwoFactorChallengePage';
import { VerifyEmailPage } from './features/auth/VerifyEmailPage';
import { AdoptionPage } from './features/admin/AdoptionPage';
import { ApiKeysPage } from './features/admin/ApiKeysPage';
import { ApplicationsPage } from './features/applications/ApplicationsPage';
import { AuditLogPage } from './features/admin/AuditLogPage';
import { MemberPage } from './features/admin/MemberPage';
import { OrganizationSettingsPage } from './features/admin/OrganizationSettingsPage';
import { UsersPage } from './features/admin/UsersPage';
import { Redirect } from './components/Redirect';
import { MailboxPage } from './features/dev/MailboxPage';
import { SettingsPage } from './features/settings/SettingsPage';

/**
 * Who may see a page: `guest` only signed out (signed-in people move on to their settings),
 * `public` anyone (e-mailed links work either way), `member` anyone signed in, `admin` administrators.
 */
export type Access = 'guest' | 'public' | 'member' | 'admin';

export interface RouteDefinition {
  /** A path; a segment like `:id` matches any one segment and is passed to render. */
  path: string;
  access: Access;
  render: (params: Readonly<Record<string, string>>) => ReactNode;
}

export interface RouteMatch {
  definition: RouteDefinition;
  params: Record<string, string>;
}

export const routes: readonly RouteDefinition[] = [
  { path: '/login', access: 'guest', render: () => <LoginPage /> },
  { path: '/login/two-factor', access: 'guest', render: () => <TwoFactorChallengePage /> },
  { path: '/signup', access: 'guest', render: () => <SignupPage /> },
  { path: '/forgot-password', access: 'public', render: () => <ForgotPasswordPage /> },
  { path: '/reset-password', access: 'public', render: () => <ResetPasswordPage /> },
  { path: '/verify-email', access: 'public', render: () => <VerifyEmailPage /> },
  { path: '/accept-invitation', access: 'public', render: () => <AcceptInvitationPage /> },
  { path: '/dev/mailbox', access: 'public', render: () => <MailboxPage /> },
  { path: '/settings', access: 'member', render: () => <SettingsPage /> },
  { path: '/admin', access: 'admin', render: () => <Redirect to="/admin/overview" /> },
  { path: '/admin/overview', access: 'admin', render: () => <AdoptionPage /> },
  { path: '/admin/users', access: 'admin', render: () => <UsersPage /> },
  // The key starts the page afresh when it moves from one member to another.
  { path: '/admin/users/:id', access: 'admin', render: ({ id = '' }) => <MemberPage key={id} userId={id} /> },
  { path: '/admin/audit', access: 'admin', render: () => <AuditLogPage /> },
  { path: '/admin/api-keys', access: 'admin', render: () => <ApiKeysPage /> },
  { path: '/admin/applications', access: 'admin', render: () => <ApplicationsPage /> },
  { path: '/admin/settings', access: 'admin', render: () => <OrganizationSettingsPage /> },
];

export function findRoute(pathname: string): RouteMatch | undefined {
  const normalized = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  const segments = normalized.split('/');
  for (const definition of routes) {
    const pattern = definition.path.split('/');
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const isMatch = pattern.every((part, index) => {
      const segment = segments[index] ?? '';
      if (!part.startsWith(':')) return part === segment;
      if (segment === '') return false;
      try {
        params[part.slice(1)] = decodeURIComponent(segment);
        return true;
      } catch {
        return false;
      }
    });
    if (isMatch) return { definition, params };
  }
  return undefined;
}
