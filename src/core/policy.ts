// Who must use two-factor authentication (P1, P4), and from when (P6): the organization's
// requirement or the member's own, whichever applies. Everything here is free of I/O.
export type RequiredBy = 'organization' | 'member' | null;

export interface RequirementInputs {
  organizationRequirement: 'optional' | 'required';
  memberRequired: boolean;
}

export function twoFactorRequiredBy(inputs: RequirementInputs): RequiredBy {
  if (inputs.organizationRequirement === 'required') return 'organization';
  return inputs.memberRequired ? 'member' : null;
}

export interface DeadlineInputs extends RequirementInputs {
  /** P6: the organization's grace-period deadline in ms since the epoch; null = at once. */
  organizationRequiredFromInMs: number | null;
}

export type SetupRequirement = { isRequired: false } | { isRequired: true; requiredBy: 'organization' | 'member'; deadlineInMs: number | null };

/**
 * The effective requirement with its deadline. Only the organization's requirement has a grace
 * period; a member's own requirement applies at once, so it wins over a later organization deadline.
 */
export function twoFactorSetupRequirement(inputs: DeadlineInputs): SetupRequirement {
  if (inputs.memberRequired) return { isRequired: true, requiredBy: twoFactorRequiredBy(inputs) ?? 'member', deadlineInMs: null };
  if (inputs.organizationRequirement === 'required') return { isRequired: true, requiredBy: 'organization', deadlineInMs: inputs.organizationRequiredFromInMs };
  return { isRequired: false };
}

/** Whether the requirement is in force now (past any grace period). */
export function isRequirementEnforced(requirement: SetupRequirement, nowInMs: number): boolean {
  return requirement.isRequired && (requirement.deadlineInMs === null || requirement.deadlineInMs <= nowInMs);
}

export type RequirementChangeCheck = { ok: true } | { ok: false; reason: 'deadline_not_in_future' | 'deadline_without_requirement' };

/** P6: a grace-period deadline must lie in the future and only goes with the requirement on. */
export function checkRequirementChange(change: { requirement: 'optional' | 'required'; requiredFromInMs: number | null }, nowInMs: number): RequirementChangeCheck {
  if (change.requiredFromInMs === null) return { ok: true };
  if (change.requirement !== 'required') return { ok: false, reason: 'deadline_without_requirement' };
  if (change.requiredFromInMs <= nowInMs) return { ok: false, reason: 'deadline_not_in_future' };
  return { ok: true };
}
