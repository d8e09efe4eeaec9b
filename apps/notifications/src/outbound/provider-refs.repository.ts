import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import { Database } from '@lekha/persistence';

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
}
