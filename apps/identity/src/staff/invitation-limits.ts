import { Injectable } from '@nestjs/common';
import { InjectConfig } from '@lekha/runtime';
import type { Em } from '@lekha/persistence';
import type { IdentityConfig } from '../config/identity.config.js';

export interface InvitationLimitHit {
  scope: 'tenant' | 'recipient';
  retryAfterSeconds: number;
}

export interface InvitationRecipient {
  column: 'email_idx' | 'phone_idx';
  /** The recipient's keyed login index (the same whichever tenant invites them). */
  idx: string;
}

interface Window {
  n: number;
  oldest: Date | string | null;
}

const LOCK = `select pg_advisory_xact_lock(hashtextextended(?, 0))`;

/**
 * How many invitations a tenant may send, and one recipient may receive from all tenants together,
 * within a window: each is a message under the platform's name (SMS costs money, and a free tenant
 * must not be able to flood a number). The invitations themselves are the count, revoked ones
 * included; advisory locks serialise a burst, so parallel requests cannot slip past the limit.
 */
@Injectable()
export class InvitationLimits {
  constructor(@InjectConfig() private readonly config: IdentityConfig) {}

  /** Null when one more invitation may be sent now, inside `tx` (which then inserts it). */
  async check(tx: Em, tenantId: string, recipient: InvitationRecipient): Promise<InvitationLimitHit | null> {
    const seconds = this.config.INVITATION_SEND_WINDOW_SECONDS;
    // Always tenant first, then recipient: two transactions never wait on each other in a cycle.
    await tx.execute(LOCK, [`invitations:tenant:${tenantId}`]);
    await tx.execute(LOCK, [`invitations:recipient:${recipient.idx}`]);
    const [byTenant] = await tx.execute<Window[]>(
      `select count(*)::int as n, min(created_at) as oldest from identity.invitations
       where tenant_id = ? and created_at > now() - make_interval(secs => ?)`,
      [tenantId, seconds],
    );
    if (byTenant && byTenant.n >= this.config.INVITATION_MAX_SENDS_PER_TENANT) {
      return { scope: 'tenant', retryAfterSeconds: this.retryAfter(byTenant) };
    }
    const [byRecipient] = await tx.execute<Window[]>(
      `select count(*)::int as n, min(created_at) as oldest from identity.invitations
       where ${recipient.column} = ? and created_at > now() - make_interval(secs => ?)`,
      [recipient.idx, seconds],
    );
    if (byRecipient && byRecipient.n >= this.config.INVITATION_MAX_SENDS_PER_RECIPIENT) {
      return { scope: 'recipient', retryAfterSeconds: this.retryAfter(byRecipient) };
    }
    return null;
  }

  /** Until the oldest invitation in the window leaves it, which frees one. */
  private retryAfter(w: Window): number {
    const oldest = w.oldest ? new Date(w.oldest).getTime() : Date.now();
    return Math.max(1, Math.ceil((oldest + this.config.INVITATION_SEND_WINDOW_SECONDS * 1000 - Date.now()) / 1000));
  }
}
