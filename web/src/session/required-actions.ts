import type { RequiredAction } from '../api/session';

// Things the server asks of a signed-in member (GET /api/v1/session `requiredActions`). A blocking
// one allows only the requests that complete it; every other request answers 403 with the action
// id as its problem `code`. The ids the UI knows how to handle; required-action-views.tsx gives
// each one its page, and the compiler insists that every id listed here has one.
export const knownRequiredActionIds = ['recovery_codes_regeneration_required', 'two_factor_setup_required'] as const;

export type KnownRequiredActionId = (typeof knownRequiredActionIds)[number];

export function isKnownRequiredActionId(value: string): value is KnownRequiredActionId {
  return (knownRequiredActionIds as readonly string[]).includes(value);
}

/** The action that replaces every page, if any: the first blocking one, as the server lists them. */
export function findBlockingAction(actions: readonly RequiredAction[]): RequiredAction | undefined {
  return actions.find((action) => action.blocking);
}
