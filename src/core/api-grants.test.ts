import { describe, expect, it } from 'vitest';
import { apiGrantDescriptions, apiGrants, findIncompleteGrant, hasGrant, isApiGrant } from './api-grants.js';

describe('K1 API grants', () => {
  it('knows exactly the catalogue, each with a description', () => {
    expect([...apiGrants]).toEqual(['users:read', 'users:write', 'users:roles', 'audit:read', 'organization:read', 'applications:read', 'applications:write']);
    for (const grant of apiGrants) expect(apiGrantDescriptions[grant].length).toBeGreaterThan(0);
  });

  it('recognises only catalogue grants', () => {
    expect(isApiGrant('users:read')).toBe(true);
    for (const value of ['users:delete', 'USERS:READ', '', ' users:read', 'users', null, undefined, 42, ['users:read']]) expect(isApiGrant(value)).toBe(false);
  });

  it('opens a route only for the grant it declares (least privilege)', () => {
    expect(hasGrant(['users:read'], 'users:read')).toBe(true);
    expect(hasGrant(['users:read'], 'users:write')).toBe(false);
    expect(hasGrant(['users:read', 'audit:read'], 'audit:read')).toBe(true);
    expect(hasGrant([], 'audit:read')).toBe(false);
    // A route without a grant is never open to keys, whatever they carry.
    expect(hasGrant([...apiGrants], undefined)).toBe(false);
  });

  it('issue 10 item 3: users:roles (role changes, administrator invitations) only beside users:write', () => {
    expect(findIncompleteGrant(['users:roles'])).toEqual({ grant: 'users:roles', requires: 'users:write' });
    expect(findIncompleteGrant(['users:read', 'users:roles'])).toEqual({ grant: 'users:roles', requires: 'users:write' });
    expect(findIncompleteGrant(['users:write', 'users:roles'])).toBeUndefined();
    expect(findIncompleteGrant(['users:write'])).toBeUndefined();
    expect(findIncompleteGrant([])).toBeUndefined();
  });
});
