// K1: the catalogue of grants an API key may carry (least privilege). Each route that a key may
// call declares the one grant it needs (route option `grant`); a key without it is refused.

export const apiGrants = ['users:read', 'users:write', 'audit:read', 'organization:read', 'applications:read', 'applications:write'] as const;

export type ApiGrant = (typeof apiGrants)[number];

/** What each grant opens, for the API documentation and the administration page. */
export const apiGrantDescriptions: Record<ApiGrant, string> = {
  'users:read': 'List the organization’s members and read a member’s page.',
  'users:write': 'Invite members, change a member’s role or requirement, reset a member’s two-factor authentication.',
  'audit:read': 'Read and export the audit log.',
  'organization:read': 'Read the organization’s settings and two-factor adoption.',
  'applications:read': 'List the applications that sign in through Tessera.',
  'applications:write': 'Register, change and delete applications, and replace their client secrets.',
};

export function isApiGrant(value: unknown): value is ApiGrant {
  return typeof value === 'string' && (apiGrants as readonly string[]).includes(value);
}

/** Whether a key holding `granted` may call a route that declares `required`. */
export function hasGrant(granted: readonly ApiGrant[], required: ApiGrant | undefined): boolean {
  return required !== undefined && granted.includes(required);
}
