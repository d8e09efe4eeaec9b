export const TenantRoles = ['owner', 'admin', 'staff', 'caretaker', 'accountant', 'viewer'] as const;
export const PlatformRoles = ['platform:support', 'platform:compliance', 'platform:admin'] as const;
export type TenantRole = (typeof TenantRoles)[number];
export type PlatformRole = (typeof PlatformRoles)[number];
export type Role = TenantRole | PlatformRole;

export const Permissions = [
  'customers:read', 'customers:write', 'customers:delete', 'customers:export',
  'audit:read:tenant', 'audit:read:platform',
  'users:manage', 'billing:read', 'billing:manage',
] as const;
export type Permission = (typeof Permissions)[number];

/** The documented permission set of each role. Services check these again after the gateway. */
export const RolePermissions: Record<Role, readonly Permission[]> = {
  owner: ['customers:read', 'customers:write', 'customers:delete', 'customers:export', 'audit:read:tenant', 'users:manage', 'billing:read', 'billing:manage'],
  admin: ['customers:read', 'customers:write', 'customers:delete', 'customers:export', 'audit:read:tenant', 'users:manage', 'billing:read'],
  staff: ['customers:read', 'customers:write'],
  caretaker: ['customers:read'],
  accountant: ['customers:read', 'billing:read', 'billing:manage'],
  viewer: ['customers:read'],
  'platform:support': [],
  'platform:compliance': ['audit:read:platform'],
  'platform:admin': [],
};

export function hasPermission(roles: readonly string[], permission: Permission): boolean {
  return roles.some((role) => (RolePermissions[role as Role] ?? []).includes(permission));
}
