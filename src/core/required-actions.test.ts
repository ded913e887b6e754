import { describe, expect, it } from 'vitest';
import { checkRequirementChange, twoFactorSetupRequirement, type DeadlineInputs } from './policy.js';
import { computeRequiredActions, findBlockingAction, findSensitiveRefusal, mustSetUpAtSignIn, type MemberSecurityState } from './required-actions.js';

const now = Date.UTC(2026, 10, 23, 9);
const hour = 60 * 60 * 1000;
const optional: DeadlineInputs = { organizationRequirement: 'optional', organizationRequiredFromInMs: null, memberRequired: false };

function state(requirement: Partial<DeadlineInputs>, extra: Partial<MemberSecurityState> = {}): MemberSecurityState {
  return { mustRegenerateRecoveryCodes: false, setupRequirement: twoFactorSetupRequirement({ ...optional, ...requirement }), hasTwoFactor: false, isSetupOnlySession: false, nowInMs: now, ...extra };
}

describe('P1 P4 P6 the effective requirement', () => {
  it('the organization’s requirement carries its deadline; a member’s own applies at once', () => {
    expect(twoFactorSetupRequirement(optional)).toEqual({ isRequired: false });
    expect(twoFactorSetupRequirement({ ...optional, organizationRequirement: 'required', organizationRequiredFromInMs: now + hour })).toEqual({ isRequired: true, requiredBy: 'organization', deadlineInMs: now + hour });
    expect(twoFactorSetupRequirement({ ...optional, memberRequired: true })).toEqual({ isRequired: true, requiredBy: 'member', deadlineInMs: null });
    expect(twoFactorSetupRequirement({ organizationRequirement: 'required', organizationRequiredFromInMs: now + hour, memberRequired: true })).toMatchObject({ deadlineInMs: null });
  });

  it('P6 a deadline must be in the future and goes only with the requirement on', () => {
    expect(checkRequirementChange({ requirement: 'required', requiredFromInMs: now + 1 }, now)).toEqual({ ok: true });
    expect(checkRequirementChange({ requirement: 'required', requiredFromInMs: null }, now)).toEqual({ ok: true });
    expect(checkRequirementChange({ requirement: 'required', requiredFromInMs: now }, now)).toEqual({ ok: false, reason: 'deadline_not_in_future' });
    expect(checkRequirementChange({ requirement: 'optional', requiredFromInMs: now + hour }, now)).toEqual({ ok: false, reason: 'deadline_without_requirement' });
  });
});

describe('P5 P6 the setup required action', () => {
  it('none when not required or already set up', () => {
    expect(computeRequiredActions(state({}))).toEqual([]);
    expect(computeRequiredActions(state({ organizationRequirement: 'required' }, { hasTwoFactor: true }))).toEqual([]);
  });

  it('in the grace period: shown with its deadline, refusing nothing, not even in a setup-only session', () => {
    const actions = computeRequiredActions(state({ organizationRequirement: 'required', organizationRequiredFromInMs: now + hour }, { isSetupOnlySession: true }));
    expect(actions).toEqual([{ action: 'two_factor_setup_required', blocking: false, refusesSensitive: false, deadlineInMs: now + hour }]);
    expect(findSensitiveRefusal(actions)).toBeUndefined();
    expect(findBlockingAction(actions, [])).toBeUndefined();
    expect(mustSetUpAtSignIn(twoFactorSetupRequirement({ ...optional, organizationRequirement: 'required', organizationRequiredFromInMs: now + hour }), false, now)).toBe(false);
  });

  it('enforced: an open session loses its sensitive actions; a setup-only session is blocked but for setup', () => {
    const open = computeRequiredActions(state({ organizationRequirement: 'required', organizationRequiredFromInMs: now }));
    expect(open).toEqual([{ action: 'two_factor_setup_required', blocking: false, refusesSensitive: true, deadlineInMs: now }]);
    expect(findSensitiveRefusal(open)?.action).toBe('two_factor_setup_required');
    const setupOnly = computeRequiredActions(state({ memberRequired: true }, { isSetupOnlySession: true }));
    expect(findBlockingAction(setupOnly, [])?.action).toBe('two_factor_setup_required');
    expect(findBlockingAction(setupOnly, ['two_factor_setup_required'])).toBeUndefined();
    expect(mustSetUpAtSignIn(twoFactorSetupRequirement({ ...optional, memberRequired: true }), false, now)).toBe(true);
    expect(mustSetUpAtSignIn(twoFactorSetupRequirement({ ...optional, memberRequired: true }), true, now)).toBe(false);
  });
});
