import type { ReactNode } from 'react';
import { PageHeading } from '../../components/PageHeading';
import './auth.css';

interface AuthLayoutProps {
  title: string;
  intro?: ReactNode;
  children: ReactNode;
  footer?: ReactNode;
  /** The page changed in place (a next step without a navigation): start focus at its heading. */
  isHeadingFocusedOnMount?: boolean;
}

/** The narrow, centred card every signed-out page uses. */
export function AuthLayout({ title, intro, children, footer, isHeadingFocusedOnMount }: AuthLayoutProps) {
  return (
    <div className="auth-page">
      <div className="auth-card">
        <PageHeading isFocusedOnMount={isHeadingFocusedOnMount}>{title}</PageHeading>
        {intro && <div className="auth-intro">{intro}</div>}
        {children}
      </div>
      {footer && <div className="auth-footer">{footer}</div>}
    </div>
  );
}
