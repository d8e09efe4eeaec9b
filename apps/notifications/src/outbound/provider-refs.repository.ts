import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import { Database, pgArray } from '@lekha/persistence';
import type { DeliveryReceipt } from '@lekha/providers';

/** A parked receipt whose send is now known: the receipt, the webhook's tenant (if any) and the send's reference. */
export interface ReadyReceipt {
  receipt: DeliveryReceipt;
  /** The tenant whose own webhook brought it (undefined: the platform account's). */
  viaTenantId: string | undefined;
  ref: { tenant_id: string; message_id: string };
}

interface ParkedRow {
  provider: string;
  dedup_key: string;
  provider_message_id: string;
  via_tenant_id: string | null;
  state: string;
  error_code: string | null;
  error_detail: string | null;
  occurred_at: string | null;
  tenant_id: string;
  message_id: string;
}

/**
 * Which tenant and message a provider's message ID belongs to (receipts name only the provider's
 * ID), which receipts were applied already (dedup), and which tenants a recipient's number was
 * messaged for (inbound messages name only the sender). IDs and keyed hashes only.
 */
@Injectable()
export class ProviderRefsRepository {
  constructor(private readonly db: Database) {}

  async remember({ tx, tenantId }: TenantScope, provider: string, providerMessageId: string, messageId: string) {
    await tx.execute(
      `insert into notifications.provider_refs (provider, provider_message_id, tenant_id, message_id)
       values (?, ?, ?, ?) on conflict do nothing`,
      [provider, providerMessageId, tenantId, messageId],
    );
  }

  /** `remember` for several sends at once: one statement. */
  async rememberMany(
    { tx, tenantId }: TenantScope,
    refs: readonly { provider: string; providerMessageId: string; messageId: string }[],
  ): Promise<void> {
    if (!refs.length) return;
    await tx.execute(
      `insert into notifications.provider_refs (provider, provider_message_id, tenant_id, message_id)
       select v.p, v.r, ?, v.m from jsonb_to_recordset(?::jsonb) as v(p text, r text, m uuid)
       on conflict do nothing`,
      [tenantId, JSON.stringify(refs.map((r) => ({ p: r.provider, r: r.providerMessageId, m: r.messageId })))],
    );
  }

  async lookup(provider: string, providerMessageId: string): Promise<{ tenant_id: string; message_id: string } | null> {
    const rows = await this.db
      .em()
      .execute<{ tenant_id: string; message_id: string }[]>(
        `select tenant_id, message_id from notifications.provider_refs where provider = ? and provider_message_id = ?`,
        [provider, providerMessageId],
      );
    return rows[0] ?? null;
  }

  /** True the first time a receipt's key is seen. */
  async firstSeen({ tx, tenantId }: TenantScope, provider: string, dedupKey: string): Promise<boolean> {
    const rows = await tx.execute<{ dedup_key: string }[]>(
      `insert into notifications.receipts_seen (provider, dedup_key, tenant_id) values (?, ?, ?)
         on conflict do nothing returning dedup_key`,
      [provider, dedupKey, tenantId],
    );
    return rows.length > 0;
  }

  async route({ tx, tenantId }: TenantScope, routeIdx: string): Promise<void> {
    await tx.execute(
      `insert into notifications.recipient_routes (route_idx, tenant_id) values (?, ?) on conflict do nothing`,
      [routeIdx, tenantId],
    );
  }

  /** `route` for several recipients in one statement. */
  async routeMany({ tx, tenantId }: TenantScope, routeIdxs: readonly string[]): Promise<void> {
    if (!routeIdxs.length) return;
    await tx.execute(
      `insert into notifications.recipient_routes (route_idx, tenant_id)
       select distinct value, ?::uuid from jsonb_array_elements_text(?::jsonb) on conflict do nothing`,
      [tenantId, JSON.stringify(routeIdxs)],
    );
  }

  async tenantsOf(routeIdx: string): Promise<string[]> {
    const rows = await this.db
      .em()
      .execute<{ tenant_id: string }[]>(`select tenant_id from notifications.recipient_routes where route_idx = ?`, [
        routeIdx,
      ]);
    return rows.map((r) => r.tenant_id);
  }

  /**
   * Parks a verified receipt whose send is not recorded yet (the service's own statement, outside any
   * tenant). False when the same receipt (provider and key) is parked already: a duplicate.
   */
  async park(receipt: DeliveryReceipt, viaTenantId: string | undefined): Promise<boolean> {
    const rows = await this.db.em().execute<{ dedup_key: string }[]>(
      `insert into notifications.parked_receipts
         (provider, dedup_key, provider_message_id, tenant_id, state, error_code, error_detail, occurred_at)
       values (?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing returning dedup_key`,
      [
        receipt.provider,
        receipt.dedupKey,
        receipt.providerMessageId,
        viaTenantId ?? null,
        receipt.state,
        receipt.error?.code ?? null,
        receipt.error?.providerCode ?? null,
        receipt.occurredAt ?? null,
      ],
    );
    return rows.length > 0;
  }

  /** Parked receipts whose send's provider reference is now recorded, oldest first: one statement. */
  async readyParked(limit: number): Promise<ReadyReceipt[]> {
    const rows = await this.db.em().execute<ParkedRow[]>(
      `select p.provider, p.dedup_key, p.provider_message_id, p.tenant_id as via_tenant_id, p.state,
              p.error_code, p.error_detail, p.occurred_at, r.tenant_id, r.message_id
         from notifications.parked_receipts p
         join notifications.provider_refs r
           on r.provider = p.provider and r.provider_message_id = p.provider_message_id
         order by p.parked_at limit ${Number(limit)}`,
    );
    return rows.map((r) => ({
      receipt: {
        provider: r.provider as DeliveryReceipt['provider'],
        providerMessageId: r.provider_message_id,
        state: r.state as DeliveryReceipt['state'],
        dedupKey: r.dedup_key,
        ...(r.occurred_at ? { occurredAt: r.occurred_at } : {}),
        ...(r.error_code
          ? {
              error: {
                code: r.error_code as NonNullable<DeliveryReceipt['error']>['code'],
                providerCode: r.error_detail ?? '',
              },
            }
          : {}),
      },
      viaTenantId: r.via_tenant_id ?? undefined,
      ref: { tenant_id: r.tenant_id, message_id: r.message_id },
    }));
  }

  /** Parked receipts applied (or refused): removed, one statement. */
  async unpark(receipts: readonly { provider: string; dedupKey: string }[]): Promise<void> {
    if (!receipts.length) return;
    await this.db.em().execute(
      `delete from notifications.parked_receipts p
         using unnest(?::text[], ?::text[]) as v(p, k)
         where p.provider = v.p and p.dedup_key = v.k`,
      [pgArray(receipts.map((r) => r.provider)), pgArray(receipts.map((r) => r.dedupKey))],
    );
  }

  /** Parked receipts whose send never became known (not ours): dropped after `before`. Answers how many. */
  async expireParked(before: Date): Promise<number> {
    const rows = await this.db
      .em()
      .execute<{ provider: string }[]>(
        `delete from notifications.parked_receipts where parked_at < ? returning provider`,
        [before],
      );
    return rows.length;
  }
}
