import { Permissions, type Permission } from '@lekha/contracts';

export const TenantRoles = ['owner', 'admin', 'staff', 'caretaker', 'accountant', 'viewer'] as const;
export const PlatformRoles = ['platform:support', 'platform:compliance', 'platform:admin'] as const;
export type TenantRole = (typeof TenantRoles)[number];
export type PlatformRole = (typeof PlatformRoles)[number];
export type Role = TenantRole | PlatformRole;

export { Permissions, type Permission };

const CUSTOMERS_ALL = [
  'customers:read',
  'customers:write',
  'customers:delete',
  'customers:export',
  'customers:read:contact',
  'customers:read:sensitive',
] as const;
const RECORDS_ALL = [
  'records:read',
  'records:read:all',
  'records:write',
  'records:types:manage',
  'records:reports',
  'records:delete',
] as const;
const DOCUMENTS_ALL = ['documents:read', 'documents:write'] as const;

/**
 * The documented permission set of each role. Services check these again after the gateway.
 * Identity: `users:read` lists the tenant's staff; `users:manage` invites, changes roles of and
 * deactivates staff below admin; `users:manage:admins` (owner only) does the same for admins. No
 * permission assigns `owner`. `security:read` reads the tenant's login history. Every signed-in
 * user manages their own sessions without a permission.
 */
export const RolePermissions: Record<Role, readonly Permission[]> = {
  owner: [
    ...CUSTOMERS_ALL,
    ...RECORDS_ALL,
    ...DOCUMENTS_ALL,
    'audit:read:tenant',
    'users:manage',
    'billing:read',
    'billing:manage',
    'billing:cancel',
    'users:read',
    'users:manage:admins',
    'security:read',
    'tenant:keys:manage',
    'tenant:erase',
    'tenant:lifecycle',
    'tenant:retention:read',
    'api_keys:manage',
    'notifications:manage',
    'notifications:send',
    'privacy:consents:write',
    'privacy:consents:read',
    'privacy:requests:write',
    'privacy:requests:read',
    'privacy:notices:write',
    'privacy:notices:read',
    'privacy:data_map:read',
    'ledgers:read',
    'ledgers:write',
    'support:grants:manage',
  ],
  admin: [
    ...CUSTOMERS_ALL,
    ...RECORDS_ALL,
    ...DOCUMENTS_ALL,
    'audit:read:tenant',
    'users:manage',
    'billing:read',
    'billing:manage',
    'users:read',
    'security:read',
    'tenant:retention:read',
    'api_keys:manage',
    'notifications:manage',
    'notifications:send',
    'privacy:consents:write',
    'privacy:consents:read',
    'privacy:requests:write',
    'privacy:requests:read',
    'privacy:notices:write',
    'privacy:notices:read',
    'privacy:data_map:read',
    'ledgers:read',
    'ledgers:write',
    'support:grants:manage',
  ],
  staff: [
    'customers:read',
    'customers:write',
    'customers:read:contact',
    'customers:read:sensitive',
    'records:read',
    'records:read:all',
    'records:write',
    ...DOCUMENTS_ALL,
    'notifications:send',
    'privacy:consents:write',
    'privacy:consents:read',
    'privacy:requests:write',
    'privacy:requests:read',
    'privacy:notices:read',
  ],
  caretaker: ['customers:read', 'records:read', 'records:write'],
  // Keeps the books: amounts, invoices, balances; customers' phone, email and address shown masked.
  accountant: [
    'customers:read',
    'records:read',
    'records:read:all',
    'records:reports',
    'billing:read',
    'billing:manage',
    'ledgers:read',
    'ledgers:write',
  ],
  viewer: ['customers:read', 'customers:read:contact', 'records:read', 'records:read:all'],
  // Nothing of a tenant's: a support engineer reaches a tenant only with a grant's token (its scopes).
  'platform:support': ['platform:support:request'],
  'platform:compliance': [
    'audit:read:platform',
    'platform:erasures:read',
    'platform:legal_requests:manage',
    'platform:incidents:manage',
    'platform:legal_holds:manage',
    'platform:retention:read',
    'privacy:data_map:read',
    'platform:break_glass:open',
  ],
  'platform:admin': [
    'platform:users:manage',
    'platform:keys:manage',
    'platform:erasures:read',
    'platform:dev_inbox:read',
    'platform:clock:set',
    'platform:billing:manage',
    'platform:legal_requests:manage',
    'platform:incidents:manage',
    'platform:legal_holds:manage',
    'platform:retention:read',
    'platform:break_glass:open',
  ],
};

export function hasPermission(roles: readonly string[], permission: Permission): boolean {
  return roles.some((role) => (RolePermissions[role as Role] ?? []).includes(permission));
}

/**
 * The one permission check for a caller: the roles must allow it and, for an API key, the key's
 * scopes must name it too (a key without scopes may do nothing). Gateway and services both use it.
 */
export function contextHasPermission(
  ctx: { roles: readonly string[]; actorType?: string; scopes?: readonly string[] },
  permission: Permission,
): boolean {
  // A support grant's token: exactly the permissions of the grant's scope, whatever its roles.
  if (ctx.actorType === 'support') return (ctx.scopes ?? []).includes(permission);
  if (!hasPermission(ctx.roles, permission)) return false;
  if (ctx.actorType === 'api_key' || ctx.scopes !== undefined) return (ctx.scopes ?? []).includes(permission);
  return true;
}
