// Things a signed-in member must do (or is asked to do). The HTTP layer consults this for every
// route: a blocking action allows only the routes that complete it, and an enforced action
// refuses every sensitive route (P5). Action ids are the error codes a refused request answers
// with, so client and server share one vocabulary.
import type { ErrorCode } from './errors.js';
import { isRequirementEnforced, type SetupRequirement } from './policy.js';

export type RequiredActionId = Extract<ErrorCode, 'recovery_codes_regeneration_required' | 'two_factor_setup_required'>;

export interface RequiredAction {
  action: RequiredActionId;
  /** Only the routes that complete the action are open. */
  blocking: boolean;
  /** Sensitive routes answer with the action's code (P5), even when it does not block. */
  refusesSensitive: boolean;
  /** P6: when the action starts to be enforced, if it is not at once. */
  deadlineInMs?: number;
}

export interface MemberSecurityState {
  /** R6 deplete: the member signed in with their last recovery code. */
  mustRegenerateRecoveryCodes: boolean;
  /** P1/P4/P6: whether, and from when, the member must use a second factor. */
  setupRequirement: SetupRequirement;
  hasTwoFactor: boolean;
  /** P5: the session comes from a sign-in that must go straight into setup. */
  isSetupOnlySession: boolean;
  nowInMs: number;
}

export function computeRequiredActions(state: MemberSecurityState): RequiredAction[] {
  const actions: RequiredAction[] = [];
  if (state.mustRegenerateRecoveryCodes) actions.push({ action: 'recovery_codes_regeneration_required', blocking: true, refusesSensitive: true });
  const requirement = state.setupRequirement;
  if (requirement.isRequired && !state.hasTwoFactor) {
    const isEnforced = isRequirementEnforced(requirement, state.nowInMs);
    // A session signed in while enforced is limited to setup; one that was already open only
    // loses its sensitive actions, so work in progress is not cut off mid-way (P5).
    actions.push({
      action: 'two_factor_setup_required',
      blocking: isEnforced && state.isSetupOnlySession,
      refusesSensitive: isEnforced,
      ...(requirement.deadlineInMs === null ? {} : { deadlineInMs: requirement.deadlineInMs }),
    });
  }
  return actions;
}

/** The first blocking action a route does not complete, if any. */
export function findBlockingAction(actions: RequiredAction[], completedByRoute: readonly RequiredActionId[]): RequiredAction | undefined {
  return actions.find((a) => a.blocking && !completedByRoute.includes(a.action));
}

/** The action that refuses a sensitive route, if any (P5). */
export function findSensitiveRefusal(actions: RequiredAction[]): RequiredAction | undefined {
  return actions.find((a) => a.refusesSensitive);
}

/** Whether a sign-in must go straight from the password into setup (P5), with no way around it. */
export function mustSetUpAtSignIn(requirement: SetupRequirement, hasTwoFactor: boolean, nowInMs: number): boolean {
  return !hasTwoFactor && isRequirementEnforced(requirement, nowInMs);
}
