import { Injectable } from '@nestjs/common';
import type { AssignableRole } from '@lekha/contracts';
import { setRlsTenant, type Em } from '@lekha/persistence';
import { mayGrant } from './staff-rules.js';

export interface InvitationRow {
  id: string;
  tenant_id: string;
  email_enc: Buffer | null;
  email_idx: string | null;
  phone_enc: Buffer | null;
  phone_idx: string | null;
  role: AssignableRole;
  invited_by: string;
}

export interface PendingInvitationRow {
  id: string;
  role: AssignableRole;
  email_enc: Buffer | null;
  phone_enc: Buffer | null;
  invited_by: string;
  created_at: Date;
  expires_at: Date;
}

export interface NewInvitation {
  id: string;
  tenantId: string;
  emailEnc: Buffer | null;
  emailIdx: string | null;
  phoneEnc: Buffer | null;
  phoneIdx: string | null;
  role: AssignableRole;
  tokenHash: string;
  invitedBy: string;
  expiresAt: Date;
}

const asList = (v: unknown): string[] => {
  const value: unknown = typeof v === 'string' ? JSON.parse(v) : v;
  return Array.isArray(value) ? value.map(String) : [];
};

/** Invitations to join a tenant with a role: the token stored only as a keyed hash, the recipient encrypted. */
@Injectable()
export class InvitationRepository {
  /** The tenant's staff seats in use: its active members and its pending (unexpired, unanswered) invitations. */
  async seatsTaken(tx: Em, tenantId: string): Promise<number> {
    const [row] = await tx.execute<{ n: string }[]>(
      `select ((select count(*) from identity.users where tenant_id = ? and status = 'active') +
               (select count(*) from identity.invitations where tenant_id = ? and accepted_at is null
                  and revoked_at is null and expires_at > now()))::text as n`,
      [tenantId, tenantId],
    );
    return Number(row?.n ?? 0);
  }

  async insert(tx: Em, i: NewInvitation): Promise<void> {
    await tx.execute(
      `insert into identity.invitations
         (id, tenant_id, email_enc, email_idx, phone_enc, phone_idx, role, token_hash, invited_by, expires_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [i.id, i.tenantId, i.emailEnc, i.emailIdx, i.phoneEnc, i.phoneIdx, i.role, i.tokenHash, i.invitedBy, i.expiresAt],
    );
  }

  /** The live invitation (not accepted, revoked or expired) with this token. */
  async findLive(em: Em, tokenHash: string): Promise<InvitationRow | null> {
    const [row] = await em.execute<InvitationRow[]>(
      `select id, tenant_id, email_enc, email_idx, phone_enc, phone_idx, role, invited_by from identity.invitations
       where token_hash = ? and accepted_at is null and revoked_at is null and expires_at > now()`,
      [tokenHash],
    );
    return row ?? null;
  }

  /** Marks a live invitation accepted by `userId`; false when it no longer is live. */
  async accept(tx: Em, id: string, userId: string): Promise<boolean> {
    const claimed = await tx.execute<{ id: string }[]>(
      `update identity.invitations set accepted_at = now(), accepted_user_id = ?
       where id = ? and accepted_at is null and revoked_at is null and expires_at > now() returning id`,
      [userId, id],
    );
    return claimed.length === 1;
  }

  /** The tenant's invitations still waiting for an answer, newest first (at most 500). */
  listPending(tx: Em, tenantId: string): Promise<PendingInvitationRow[]> {
    return tx.execute<PendingInvitationRow[]>(
      `select id, role, email_enc, phone_enc, invited_by, created_at, expires_at from identity.invitations
       where tenant_id = ? and accepted_at is null and revoked_at is null and expires_at > now()
       order by created_at desc, id desc limit 500`,
      [tenantId],
    );
  }

  /** The tenant's invitation with this ID, locked for a change; null for an unknown or another tenant's. */
  async lock(tx: Em, tenantId: string, id: string): Promise<{ role: AssignableRole; accepted_at: Date | null } | null> {
    const [row] = await tx.execute<{ role: AssignableRole; accepted_at: Date | null }[]>(
      `select role, accepted_at from identity.invitations where id = ? and tenant_id = ? for update`,
      [id, tenantId],
    );
    return row ?? null;
  }

  /** Withdraws the invitation (the first revocation's time and actor are kept). */
  async revoke(tx: Em, id: string, revokedBy: string): Promise<void> {
    await tx.execute(
      `update identity.invitations set revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, ?)
       where id = ?`,
      [revokedBy, id],
    );
  }

  /**
   * Whether whoever sent an invitation could still send it now: a person still active and allowed to
   * hand out the role, or an API key still live whose creator is active and whose role and scopes
   * allow it. An invitation from someone since deactivated (or demoted, or a revoked key) is dead.
   * The inviter's row is locked for share: a deactivation cannot slip in before an acceptance commits.
   */
  async inviterMayStillGrant(tx: Em, tenantId: string, invitedBy: string, role: string): Promise<boolean> {
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
}
