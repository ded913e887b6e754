import type { ReactNode } from 'react';

interface SubmitButtonProps {
  isSubmitting: boolean;
  children: ReactNode;
  busyLabel?: string;
  variant?: 'primary' | 'secondary' | 'danger';
}

export function SubmitButton({ isSubmitting, children, busyLabel, variant = 'primary' }: SubmitButtonProps) {
  return (
    <button type="submit" className={`button button-${variant}`} disabled={isSubmitting} aria-busy={isSubmitting || undefined}>
      {isSubmitting && busyLabel ? busyLabel : children}
    </button>
  );
}
