// Who must use two-factor authentication (P1, P4): the organization's requirement or the
// member's own, whichever applies.
export type RequiredBy = 'organization' | 'member' | null;

export interface RequirementInputs {
  organizationRequirement: 'optional' | 'required';
  memberRequired: boolean;
}

export function twoFactorRequiredBy(inputs: RequirementInputs): RequiredBy {
  if (inputs.organizationRequirement === 'required') return 'organization';
  return inputs.memberRequired ? 'member' : null;
}
