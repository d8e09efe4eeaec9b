import { setRlsTenant, type Em } from '@lekha/persistence';
import { mayGrant } from './staff-rules.js';

const asList = (v: unknown): string[] => {
  const value: unknown = typeof v === 'string' ? JSON.parse(v) : v;
  return Array.isArray(value) ? value.map(String) : [];
};

/**
 * Whether whoever sent an invitation could still send it now: a person still active and allowed to
 * hand out the role, or an API key still live whose creator is active and whose role and scopes
 * allow it. An invitation from someone since deactivated (or demoted, or a revoked key) is dead.
 * The inviter's row is locked for share: a deactivation cannot slip in before an acceptance commits.
 */
export async function inviterMayStillGrant(
  tx: Em,
  tenantId: string,
  invitedBy: string,
  role: string,
): Promise<boolean> {
  const [person] = await tx.execute<{ roles: unknown; status: string }[]>(
    `select to_jsonb(roles) as roles, status from identity.users where id = ? and tenant_id = ? for share`,
    [invitedBy, tenantId],
  );
  if (person) return person.status === 'active' && mayGrant({ roles: asList(person.roles) }, role);
  // Not a person: an API key with users:manage in its scopes.
  await setRlsTenant(tx, tenantId);
  const [key] = await tx.execute<{ scopes: unknown; roles: unknown; status: string; revoked_at: Date | null }[]>(
    `select to_jsonb(k.scopes) as scopes, to_jsonb(u.roles) as roles, u.status, k.revoked_at
     from identity.api_keys k join identity.users u on u.id = k.created_by
     where k.id = ? and k.tenant_id = ? for share of u`,
    [invitedBy, tenantId],
  );
  if (!key || key.revoked_at || key.status !== 'active') return false;
  return mayGrant({ roles: asList(key.roles), actorType: 'api_key', scopes: asList(key.scopes) }, role);
}
