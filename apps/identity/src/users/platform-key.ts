/**
 * Platform users (support, compliance, admin) belong to no tenant; their name and email are
 * encrypted under the platform's own data key, kept in the keyring under this reserved ID (never
 * a tenant's: tenant IDs are UUIDv7).
 */
export const PLATFORM_KEY_OWNER = '00000000-0000-0000-0000-000000000000';

/** Whose data key encrypts a user's fields: their tenant's, or the platform's for a platform user. */
export function keyOwnerOf(tenantId: string | null | undefined): string {
  return tenantId ?? PLATFORM_KEY_OWNER;
}
