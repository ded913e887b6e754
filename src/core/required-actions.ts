// Things a signed-in member must do (or is asked to do). The HTTP layer consults this for every
// route: a blocking action allows only the routes that complete it. Action ids are the error
// codes a refused request answers with, so client and server share one vocabulary.
import type { ErrorCode } from './errors.js';

export type RequiredActionId = Extract<ErrorCode, 'recovery_codes_regeneration_required'>;

export interface RequiredAction {
  action: RequiredActionId;
  blocking: boolean;
}

export interface MemberSecurityState {
  /** R6 deplete: the member signed in with their last recovery code. */
  mustRegenerateRecoveryCodes: boolean;
}

export function computeRequiredActions(state: MemberSecurityState): RequiredAction[] {
  const actions: RequiredAction[] = [];
  if (state.mustRegenerateRecoveryCodes) actions.push({ action: 'recovery_codes_regeneration_required', blocking: true });
  return actions;
}

/** The first blocking action a route does not complete, if any. */
export function findBlockingAction(actions: RequiredAction[], completedByRoute: readonly RequiredActionId[]): RequiredAction | undefined {
  return actions.find((a) => a.blocking && !completedByRoute.includes(a.action));
}
