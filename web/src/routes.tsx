import type { ReactNode } from 'react';
import { AcceptInvitationPage } from './features/auth/AcceptInvitationPage';
import { ForgotPasswordPage } from './features/auth/ForgotPasswordPage';
import { LoginPage } from './features/auth/LoginPage';
import { ResetPasswordPage } from './features/auth/ResetPasswordPage';
import { SignupPage } from './features/auth/SignupPage';
import { TwoFactorChallengePage } from './features/auth/TwoFactorChallengePage';
import { VerifyEmailPage } from './features/auth/VerifyEmailPage';
import { UsersPage } from './features/admin/UsersPage';
import { MailboxPage } from './features/dev/MailboxPage';
import { SettingsPage } from './features/settings/SettingsPage';

/**
 * Who may see a page: `guest` only signed out (signed-in people move on to their settings),
 * `public` anyone (e-mailed links work either way), `member` anyone signed in, `admin` administrators.
 */
export type Access = 'guest' | 'public' | 'member' | 'admin';

export interface RouteDefinition {
  path: string;
  access: Access;
  render: () => ReactNode;
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
  { path: '/admin/users', access: 'admin', render: () => <UsersPage /> },
];

export function findRoute(pathname: string): RouteDefinition | undefined {
  const normalized = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return routes.find((route) => route.path === normalized);
}
