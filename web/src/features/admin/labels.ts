import type { Role } from '../../api/session';

export const roleLabels: Record<Role, string> = { admin: 'Administrator', member: 'Member' };

export const roleOptions: ReadonlyArray<{ value: Role; label: string }> = [
  { value: 'member', label: roleLabels.member },
  { value: 'admin', label: roleLabels.admin },
];
