import { Injectable } from '@nestjs/common';
import { TenantKeysetDestroyedError } from '@lekha/crypto';
import type { DeliveryReceipt } from '@lekha/providers';
import { ServiceTenantAccess } from '../common/service-tenant-access.js';
import { MessageRepository } from '../messages/message.repository.js';
import { ProviderRefsRepository } from '../outbound/provider-refs.repository.js';

export type ReceiptOutcome = 'applied' | 'duplicate' | 'stale' | 'unknown_message';

/**
 * Applies a delivery receipt (the gateway's verified webhooks call this): found by the provider's
 * message ID, deduplicated on the receipt's key, and applied forward only — a late `sent` never
 * overwrites `delivered`, a `delivered` never `read`. Every applied receipt is audited.
 */
@Injectable()
export class ApplyReceiptUseCase {
  constructor(
    private readonly access: ServiceTenantAccess,
    private readonly refs: ProviderRefsRepository,
    private readonly messages: MessageRepository,
  ) {}

  /** `tenantId`: a receipt from a tenant's own account applies only to that tenant's messages. */
  async execute(receipt: DeliveryReceipt, tenantId?: string): Promise<ReceiptOutcome> {
    const ref = await this.refs.lookup(receipt.provider, receipt.providerMessageId);
    if (!ref || (tenantId !== undefined && ref.tenant_id !== tenantId)) return 'unknown_message';
    try {
      return await this.access.run(ref.tenant_id, async (data) => {
        if (!(await this.refs.firstSeen(data, receipt.provider, receipt.dedupKey))) return 'duplicate';
        const error = receipt.error ? { code: receipt.error.code, detail: receipt.error.providerCode } : null;
        const moved = await this.messages.advance(data, ref.message_id, receipt.state, error);
        await data.record({
          resource: { id: ref.message_id },
          reason: `receipt_${receipt.state}${moved ? '' : '_stale'}`,
        });
        return moved ? 'applied' : 'stale';
      });
    } catch (err) {
      if (err instanceof TenantKeysetDestroyedError) return 'unknown_message';
      throw err;
    }
  }
}
