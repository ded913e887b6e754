import { ResendVerificationButton } from './ResendVerificationButton';

/** A calm, persistent reminder while the address is unverified (A1: it gates two-factor setup). */
export function VerifyEmailBar({ email }: { email: string }) {
  return (
    <aside className="notice-bar" aria-label="E-mail verification">
      <div className="notice-bar-inner">
        <p>
          Verify your e-mail address: we sent a link to <strong>{email}</strong>.
        </p>
        <ResendVerificationButton email={email} />
      </div>
    </aside>
  );
}
