import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import type { ConsentPurpose } from '@lekha/contracts';
import { pgArray } from '@lekha/persistence';

export interface RecipientFlags {
  optedOut: boolean;
  dnd: boolean;
  lastInboundAt: Date | null;
}

const NONE: RecipientFlags = { optedOut: false, dnd: false, lastInboundAt: null };

/** A consent row holds at `now` when it is granted and has not expired. */
function holds(row: { granted: boolean; expires_at: Date | string | null } | undefined, now: Date): boolean {
  if (!row?.granted) return false;
  return row.expires_at === null || new Date(row.expires_at).getTime() > now.getTime();
}

/** Consent, opt-out, DND and the last inbound message per recipient (blind index), per tenant. */
@Injectable()
export class RecipientPreferencesRepository {
  /** Whether the view holds a consent for the purpose that has not lapsed at `now`. */
  /**
   * The consent rows of several recipients, one statement: `consented(idx, purpose, now)` answers for any
   * of them (undefined for a recipient not asked for).
   */
  async consentsOf(
    { tx, tenantId }: TenantScope,
    recipientIdxs: readonly string[],
  ): Promise<(recipientIdx: string, purpose: ConsentPurpose, now: Date) => boolean | undefined> {
    const asked = new Set(recipientIdxs);
    const rows = asked.size
      ? await tx.execute<
          { recipient_idx: string; purpose: string; granted: boolean; expires_at: Date | string | null }[]
        >(
          `select recipient_idx, purpose, granted, expires_at from notifications.consents
             where tenant_id = ? and recipient_idx = any(?::text[])`,
          [tenantId, pgArray([...asked])],
        )
      : [];
    const found = new Map(rows.map((r) => [`${r.purpose}:${r.recipient_idx}`, r]));
    return (idx, purpose, now) => (asked.has(idx) ? holds(found.get(`${purpose}:${idx}`), now) : undefined);
  }

  async consent(
    { tx, tenantId }: TenantScope,
    recipientIdx: string,
    purpose: ConsentPurpose,
    now: Date,
  ): Promise<boolean> {
    const rows = await tx.execute<{ granted: boolean; expires_at: Date | string | null }[]>(
      `select granted, expires_at from notifications.consents
         where tenant_id = ? and recipient_idx = ? and purpose = ?`,
      [tenantId, recipientIdx, purpose],
    );
    return holds(rows[0], now);
  }

  /**
   * Applies a compliance change: the principal's state for the purpose, unless the view already holds
   * a later change (a higher sequence number). Answers whether the row changed.
   */
  async applyCompliance(
    { tx, tenantId }: TenantScope,
    recipientIdx: string,
    purpose: ConsentPurpose,
    state: { granted: boolean; expiresAt: Date | null },
    seq: number,
  ): Promise<boolean> {
    const rows = await tx.execute<{ purpose: string }[]>(
      `insert into notifications.consents (tenant_id, recipient_idx, purpose, granted, expires_at, compliance_seq)
         values (?, ?, ?, ?, ?, ?)
         on conflict (tenant_id, recipient_idx, purpose) do update
           set granted = excluded.granted, expires_at = excluded.expires_at,
               compliance_seq = excluded.compliance_seq, updated_at = now()
           where notifications.consents.compliance_seq is null
              or notifications.consents.compliance_seq < excluded.compliance_seq
         returning purpose`,
      [tenantId, recipientIdx, purpose, state.granted, state.expiresAt, seq],
    );
    return rows.length > 0;
  }

  async setConsent(
    { tx, tenantId }: TenantScope,
    recipientIdx: string,
    purpose: ConsentPurpose,
    granted: boolean,
  ): Promise<Date> {
    const [row] = await tx.execute<{ updated_at: Date | string }[]>(
      `insert into notifications.consents (tenant_id, recipient_idx, purpose, granted) values (?, ?, ?, ?)
         on conflict (tenant_id, recipient_idx, purpose) do update
           set granted = excluded.granted, expires_at = null, updated_at = now()
         returning updated_at`,
      [tenantId, recipientIdx, purpose, granted],
    );
    return new Date(row!.updated_at);
  }

  async flags({ tx, tenantId }: TenantScope, recipientIdx: string): Promise<RecipientFlags> {
    const rows = await tx.execute<{ opted_out: boolean; dnd: boolean; last_inbound_at: Date | string | null }[]>(
      `select opted_out, dnd, last_inbound_at from notifications.recipient_flags
         where tenant_id = ? and recipient_idx = ?`,
      [tenantId, recipientIdx],
    );
    const r = rows[0];
    if (!r) return NONE;
    return {
      optedOut: r.opted_out,
      dnd: r.dnd,
      lastInboundAt: r.last_inbound_at ? new Date(r.last_inbound_at) : null,
    };
  }

  /** `flags` for several recipients at once (one statement); a recipient with no row has none set. */
  async flagsOf({ tx, tenantId }: TenantScope, recipientIdxs: readonly string[]): Promise<Map<string, RecipientFlags>> {
    const out = new Map<string, RecipientFlags>(recipientIdxs.map((idx) => [idx, NONE]));
    if (!recipientIdxs.length) return out;
    const rows = await tx.execute<
      { recipient_idx: string; opted_out: boolean; dnd: boolean; last_inbound_at: Date | string | null }[]
    >(
      `select recipient_idx, opted_out, dnd, last_inbound_at from notifications.recipient_flags
         where tenant_id = ? and recipient_idx = any(?::text[])`,
      [tenantId, pgArray([...new Set(recipientIdxs)])],
    );
    for (const r of rows)
      out.set(r.recipient_idx, {
        optedOut: r.opted_out,
        dnd: r.dnd,
        lastInboundAt: r.last_inbound_at ? new Date(r.last_inbound_at) : null,
      });
    return out;
  }

  /** Sets a flag (opt-out or DND) and answers the recipient's flags after it. */
  async mark({ tx, tenantId }: TenantScope, recipientIdx: string, flag: 'opted_out' | 'dnd'): Promise<RecipientFlags> {
    const column = flag === 'opted_out' ? 'opted_out' : 'dnd';
    const [r] = await tx.execute<{ opted_out: boolean; dnd: boolean; last_inbound_at: Date | string | null }[]>(
      `insert into notifications.recipient_flags (tenant_id, recipient_idx, ${column}) values (?, ?, true)
         on conflict (tenant_id, recipient_idx) do update set ${column} = true, updated_at = now()
         returning opted_out, dnd, last_inbound_at`,
      [tenantId, recipientIdx],
    );
    return {
      optedOut: r!.opted_out,
      dnd: r!.dnd,
      lastInboundAt: r!.last_inbound_at ? new Date(r!.last_inbound_at) : null,
    };
  }

  /** The principal wrote to us: the WhatsApp 24-hour window opens (or stays open) from `at`. */
  async touchInbound({ tx, tenantId }: TenantScope, recipientIdx: string, at: Date): Promise<void> {
    await tx.execute(
      `insert into notifications.recipient_flags (tenant_id, recipient_idx, last_inbound_at) values (?, ?, ?)
         on conflict (tenant_id, recipient_idx) do update
           set last_inbound_at = greatest(notifications.recipient_flags.last_inbound_at, excluded.last_inbound_at),
               updated_at = now()`,
      [tenantId, recipientIdx, at],
    );
  }
}
