import { Injectable } from '@nestjs/common';
import { TenantKeysetDestroyedError } from '@lekha/crypto';
import type { DeliveryReceipt } from '@lekha/providers';
import { AppLogger } from '@lekha/runtime';
import { ServiceTenantAccess } from '../common/service-tenant-access.js';
import { MessageRepository } from '../messages/message.repository.js';
import { ProviderRefsRepository } from '../outbound/provider-refs.repository.js';
import { RecipientRouteIndex } from '../outbound/recipient-route-index.js';
import { ReceiptDedupKeys } from './receipt-dedup-keys.js';

export type ReceiptOutcome = 'applied' | 'duplicate' | 'stale' | 'parked' | 'unknown_message';

/** How long a parked receipt waits for its send to become known before it is dropped as not ours. */
export const PARKED_RECEIPT_TTL_MS = 24 * 3_600_000;

/**
 * Applies a delivery receipt (the gateway's verified webhooks call this): found by the provider's
 * message ID, deduplicated on the receipt's key, and applied forward only — a late `sent` never
 * overwrites `delivered`, a `delivered` never `read`. Every applied receipt is audited.
 *
 * A receipt can overtake its send: the provider posts it before the dispatcher has recorded the
 * provider's answer. Such a receipt (already verified) is parked — stored with its key, so a
 * provider's retry of it is a duplicate — and applied the same way once the send's provider reference
 * is recorded (`applyParked`, which the dispatcher runs after each round).
 */
@Injectable()
export class ApplyReceiptUseCase {
  private expiredAt = 0;

  constructor(
    private readonly access: ServiceTenantAccess,
    private readonly refs: ProviderRefsRepository,
    private readonly messages: MessageRepository,
    private readonly logger: AppLogger,
    private readonly dedupKeys: ReceiptDedupKeys,
    private readonly routes: RecipientRouteIndex,
  ) {}

  /**
   * `tenantId`: a receipt from a tenant's own account applies only to that tenant's messages. The receipt's
   * deduplication key is stored keyed (`ReceiptDedupKeys`), never as the provider's parser made it.
   */
  async execute(fromProvider: DeliveryReceipt, tenantId?: string): Promise<ReceiptOutcome> {
    const { recipient, ...rest } = fromProvider;
    // A receipt that names its recipient (its provider's ID names a request of several) is found by both;
    // the number itself goes no further.
    const receipt: DeliveryReceipt = {
      ...rest,
      dedupKey: this.dedupKeys.of(fromProvider.dedupKey),
      ...(recipient ? { providerMessageId: this.routes.refOf(rest.providerMessageId, recipient) } : {}),
    };
    const ref =
      (await this.refs.lookup(receipt.provider, receipt.providerMessageId)) ??
      // A send recorded before its provider's references named the recipient.
      (recipient ? await this.refs.lookup(receipt.provider, rest.providerMessageId) : null);
    if (!ref) return (await this.refs.park(receipt, tenantId)) ? 'parked' : 'duplicate';
    if (tenantId !== undefined && ref.tenant_id !== tenantId) return 'unknown_message';
    return this.apply(receipt, ref);
  }

  /** Applies parked receipts whose sends are recorded now; answers how many were taken up. */
  async applyParked(limit = 500): Promise<number> {
    const now = Date.now();
    if (now - this.expiredAt > 60_000) {
      this.expiredAt = now;
      const expired = await this.refs.expireParked(new Date(now - PARKED_RECEIPT_TTL_MS));
      if (expired) this.logger.pino.warn({ expired }, 'parked receipts whose send never became known were dropped');
    }
    const ready = await this.refs.readyParked(limit);
    if (!ready.length) return 0;
    const done: DeliveryReceipt[] = [];
    for (const { receipt, viaTenantId, ref } of ready) {
      try {
        // A tenant's own webhook speaks only for that tenant's messages.
        if (viaTenantId === undefined || viaTenantId === ref.tenant_id) await this.apply(receipt, ref);
        done.push(receipt);
      } catch (err) {
        // Left parked: the next round tries it again.
        this.logger.pino.warn(
          { provider: receipt.provider, error: (err as Error).message },
          'parked receipt not applied',
        );
      }
    }
    await this.refs.unpark(done);
    return ready.length;
  }

  private async apply(
    receipt: DeliveryReceipt,
    ref: { tenant_id: string; message_id: string },
  ): Promise<Exclude<ReceiptOutcome, 'parked'>> {
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
