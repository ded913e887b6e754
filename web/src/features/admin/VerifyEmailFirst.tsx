interface VerifyEmailFirstProps {
  id: string;
  email: string;
  /** What waits for the verification, as in “before you …”. */
  action: string;
}

/**
 * A1, issue 10 item 5: API keys and invitations wait until the administrator's address is
 * verified (the server answers email_not_verified), so an address claimed by someone else first
 * cannot leave them behind. Shown beside the disabled button, which points here; the bar at the
 * top of every page offers to resend the link.
 */
export function VerifyEmailFirst({ id, email, action }: VerifyEmailFirstProps) {
  return (
    <div className="alert alert-info">
      <p id={id}>
        Verify your e-mail address before you {action}. The link is in your inbox at {email}.
      </p>
    </div>
  );
}
