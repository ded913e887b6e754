// K1: the catalogue of grants an API key may carry (least privilege). Each route that a key may
// call declares the one grant it needs (route option `grant`); a key without it is refused.
// Some requests on a route need more than the route's grant: changing a role or inviting an
// administrator is admin-equivalent (issue 10 item 3), so it also needs `users:roles`.

export const apiGrants = ['users:read', 'users:write', 'users:roles', 'audit:read', 'organization:read', 'applications:read', 'applications:write'] as const;

export type ApiGrant = (typeof apiGrants)[number];

/** What each grant opens, for the API documentation and the administration page. */
export const apiGrantDescriptions: Record<ApiGrant, string> = {
  'users:read': 'List the organization’s members and read a member’s page.',
  'users:write': 'Invite members, change a member’s requirement, reset another member’s two-factor authentication.',
  'users:roles': 'Change members’ roles and invite administrators (together with users:write).',
  'audit:read': 'Read and export the audit log.',
  'organization:read': 'Read the organization’s settings and two-factor adoption.',
  'applications:read': 'List the applications that sign in through Tessera.',
  'applications:write': 'Register, change and delete applications, and replace their client secrets.',
};

/** Grants that work only beside another one: `users:roles` widens what `users:write` may do. */
export const apiGrantRequires: Partial<Record<ApiGrant, ApiGrant>> = { 'users:roles': 'users:write' };

export function isApiGrant(value: unknown): value is ApiGrant {
  return typeof value === 'string' && (apiGrants as readonly string[]).includes(value);
}

/** Whether a key holding `granted` may call a route that declares `required`. */
export function hasGrant(granted: readonly ApiGrant[], required: ApiGrant | undefined): boolean {
  return required !== undefined && granted.includes(required);
}

/** A chosen grant whose companion is missing (e.g. `users:roles` without `users:write`), if any. */
export function findIncompleteGrant(granted: readonly ApiGrant[]): { grant: ApiGrant; requires: ApiGrant } | undefined {
  for (const grant of granted) {
    const requires = apiGrantRequires[grant];
    if (requires !== undefined && !granted.includes(requires)) return { grant, requires };
  }
  return undefined;
}
