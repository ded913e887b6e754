import type { ReactNode } from 'react';
import type { RequiredAction } from './api/session';
import { PageHeading } from './components/PageHeading';
import { RegenerateRecoveryCodesPage } from './features/security/RegenerateRecoveryCodesPage';
import { TwoFactorSetupBar } from './features/security/TwoFactorSetupBar';
import { TwoFactorSetupRequiredPage } from './features/security/TwoFactorSetupRequiredPage';
import { isKnownRequiredActionId, type KnownRequiredActionId } from './session/required-actions';

/**
 * How the UI presents each required action: `page` replaces every page while the action blocks;
 * `bar`, when given, is shown on every page while the action does not block yet (a grace period).
 * Adding an action: list its id in session/required-actions.ts, then give it a view here.
 */
export interface RequiredActionView {
  page: (action: RequiredAction) => ReactNode;
  bar?: (action: RequiredAction) => ReactNode;
}

const views: Record<KnownRequiredActionId, RequiredActionView> = {
  // R6 deplete: the member signed in with their last recovery code.
  recovery_codes_regeneration_required: { page: () => <RegenerateRecoveryCodesPage /> },
  // P5, P6: required but not set up. Blocking right after the password (a session limited to
  // setup); otherwise a bar on every page, with the deadline while a grace period runs.
  two_factor_setup_required: {
    page: () => <TwoFactorSetupRequiredPage />,
    bar: (action) => <TwoFactorSetupBar deadline={action.deadline ?? null} />,
  },
};

export function renderRequiredActionPage(action: RequiredAction): ReactNode {
  return isKnownRequiredActionId(action.action) ? views[action.action].page(action) : <UnknownRequiredActionPage />;
}

export function renderRequiredActionBar(action: RequiredAction): ReactNode {
  return isKnownRequiredActionId(action.action) ? (views[action.action].bar?.(action) ?? null) : null;
}

/** A server newer than this UI may ask for a step the UI cannot show; say so rather than loop. */
function UnknownRequiredActionPage() {
  return (
    <div className="page">
      <PageHeading>Your account needs attention</PageHeading>
      <p>Tessera needs you to complete a step before you continue, which this page cannot show. Reload the page to try again.</p>
    </div>
  );
}
