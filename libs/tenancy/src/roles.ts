export const TenantRoles = ['owner', 'admin', 'staff', 'caretaker', 'accountant', 'viewer'] as const;
export const PlatformRoles = ['platform:support', 'platform:compliance', 'platform:admin'] as const;
export type TenantRole = (typeof TenantRoles)[number];
export type PlatformRole = (typeof PlatformRoles)[number];
export type Role = TenantRole | PlatformRole;

export const Permissions = [
  'customers:read', 'customers:write', 'customers:delete', 'customers:export',
  // Unmasked phone and email; without it a reader sees them masked (e.g. a caretaker).
  'customers:read:contact',
  // Sensitive categories (health, government ID, financial); without it those fields are absent.
  'customers:read:sensitive',
  'records:read', 'records:write', 'records:types:manage', 'records:reports',
  'audit:read:tenant', 'audit:read:platform',
  'users:manage', 'billing:read', 'billing:manage',
  'users:read', 'users:manage:admins', 'security:read',
] as const;
export type Permission = (typeof Permissions)[number];

const CUSTOMERS_ALL = ['customers:read', 'customers:write', 'customers:delete', 'customers:export', 'customers:read:contact', 'customers:read:sensitive'] as const;
const RECORDS_ALL = ['records:read', 'records:write', 'records:types:manage', 'records:reports'] as const;

/**
 * The documented permission set of each role. Services check these again after the gateway.
 * Identity: `users:read` lists the tenant's staff; `users:manage` invites, changes roles of and
 * deactivates staff below admin; `users:manage:admins` (owner only) does the same for admins. No
 * permission assigns `owner`. `security:read` reads the tenant's login history. Every signed-in
 * user manages their own sessions without a permission.
 */
export const RolePermissions: Record<Role, readonly Permission[]> = {
  owner: [...CUSTOMERS_ALL, ...RECORDS_ALL, 'audit:read:tenant', 'users:manage', 'billing:read', 'billing:manage', 'users:read', 'users:manage:admins', 'security:read'],
  admin: [...CUSTOMERS_ALL, ...RECORDS_ALL, 'audit:read:tenant', 'users:manage', 'billing:read', 'users:read', 'security:read'],
  staff: ['customers:read', 'customers:write', 'customers:read:contact', 'customers:read:sensitive', 'records:read', 'records:write'],
  caretaker: ['customers:read', 'records:read', 'records:write'],
  accountant: ['customers:read', 'customers:read:contact', 'records:read', 'records:reports', 'billing:read', 'billing:manage'],
  viewer: ['customers:read', 'customers:read:contact', 'records:read'],
  'platform:support': [],
  'platform:compliance': ['audit:read:platform'],
  'platform:admin': [],
};

export function hasPermission(roles: readonly string[], permission: Permission): boolean {
  return roles.some((role) => (RolePermissions[role as Role] ?? []).includes(permission));
}
