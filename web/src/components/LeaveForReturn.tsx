import { useEffect } from 'react';
import { leaveForRememberedReturn } from '../features/auth/return-after-sign-in';
import { navigate } from '../router/router';

/** O3/O8: a signed-in person on the sign-in page goes back to the application (or to `fallback`). */
export function LeaveForReturn({ fallback }: { fallback: string }) {
  useEffect(() => {
    let isCurrent = true;
    leaveForRememberedReturn().then(
      (left) => {
        if (!left && isCurrent) navigate(fallback, { replace: true });
      },
      () => isCurrent && navigate(fallback, { replace: true }),
    );
    return () => {
      isCurrent = false;
    };
  }, [fallback]);
  return (
    <p className="centered-message muted" role="status">
      Returning to the application…
    </p>
  );
}
