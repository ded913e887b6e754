import type { ReactNode } from 'react';

/** A polite confirmation ("Password changed.") announced to screen readers without moving focus. */
export function StatusMessage({ children, tone = 'success' }: { children: ReactNode; tone?: 'success' | 'info' }) {
  return (
    <div className={`alert alert-${tone}`} role="status">
      {children}
    </div>
  );
}
