export const roles = ['admin', 'member'] as const;
export type Role = (typeof roles)[number];

export function isAdministrator(role: Role): boolean {
  return role === 'admin';
}
