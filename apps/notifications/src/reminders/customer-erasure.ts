import { Injectable } from '@nestjs/common';
import { uuidv7, type CustomerErasedEvent } from '@lekha/contracts';
import { TenantKeysetDestroyedError } from '@lekha/crypto';
import { PlatformEvents } from '@lekha/erasure';
import { ServiceTenantAccess } from '../common/service-tenant-access.js';
import { MessageRepository } from '../messages/message.repository.js';

/**
 * A customer's erasure here: their messages (pending reminders included), attempts, provider references
 * and queue rows are deleted in one tenant transaction with its audit record, then the deletion is
 * confirmed on `platform.events.v1` (`customer.erasure.confirmed`). Repeatable: a redelivered order
 * deletes nothing more and confirms again.
 */
@Injectable()
export class CustomerErasure {
  constructor(
    private readonly access: ServiceTenantAccess,
    private readonly messages: MessageRepository,
    private readonly events: PlatformEvents,
  ) {}

  async erase(event: CustomerErasedEvent): Promise<number> {
    const deleted = await this.eraseHere(event.tenantId, event.customerId);
    await this.events.publish({
      type: 'customer.erasure.confirmed',
      eventId: uuidv7(),
      tenantId: event.tenantId,
      customerId: event.customerId,
      service: 'notifications',
      deleted,
      confirmedAt: new Date().toISOString(),
    });
    return deleted;
  }

  /**
   * The deletion alone (also a principal's erasure request's part here): the messages deleted.
   */
  async eraseHere(tenantId: string, customerId: string): Promise<number> {
    let deleted = 0;
    try {
      deleted = await this.access.run(tenantId, async (data) => {
        const ids = await this.messages.deleteForCustomer(data, customerId);
        await data.record({
          action: 'delete',
          resource: { id: null },
          subjectIds: [customerId],
          reason: `customer_erasure:${ids.length}`,
        });
        return ids.length;
      });
    } catch (err) {
      // The whole tenant is gone already: nothing of the customer is left here.
      if (!(err instanceof TenantKeysetDestroyedError)) throw err;
    }
    return deleted;
  }
}
