import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import type { CustomerChangedEvent, StaffContactEvent } from '@lekha/contracts';
import { AppLogger } from '@lekha/runtime';
import { messageFields, recipientIndex } from '../common/recipient.js';
import { ServiceTenantAccess } from '../common/service-tenant-access.js';
import { MessageRepository, type MessageRow } from '../messages/message.repository.js';
import { ProviderRefsRepository } from '../outbound/provider-refs.repository.js';
import { RecipientRouteIndex } from '../outbound/recipient-route-index.js';
import { StaffContactsRepository } from './staff-contacts.repository.js';

export interface FollowedContact {
  /** False for a staff contact event applied before (or overtaken by a newer one). */
  applied: boolean;
  readdressed: number;
  cancelled: number;
}

/**
 * Pending reminders follow their recipient: a customer's new phone or email (`customer.changed` from
 * tenant-data) or a staff user's (`staff.contact` from identity) re-addresses the reminders still queued
 * or deferred for them, on the channel each was queued for; one whose channel has no address any more is
 * cancelled, and so is every pending reminder of a deactivated staff user. One tenant transaction each,
 * audited; nothing personal in a log.
 */
@Injectable()
export class ReminderRecipients {
  constructor(
    private readonly access: ServiceTenantAccess,
    private readonly staff: StaffContactsRepository,
    private readonly messages: MessageRepository,
    private readonly refs: ProviderRefsRepository,
    private readonly routes: RecipientRouteIndex,
    private readonly logger: AppLogger,
  ) {}

  applyStaffContact(event: StaffContactEvent): Promise<FollowedContact> {
    return this.access.run(event.tenantId, async (data) => {
      const contact = { active: event.active, phone: event.phone, email: event.email };
      if (!(await this.staff.apply(data, event.userId, event.eventId, contact)))
        return { applied: false, readdressed: 0, cancelled: 0 };
      const pending = await this.messages.pendingReminders(data, { userId: event.userId });
      const followed = await this.follow(data, pending, event.active ? contact : null, [event.userId]);
      return { applied: true, ...followed };
    });
  }

  applyCustomerChanged(event: CustomerChangedEvent): Promise<FollowedContact> {
    return this.access.run(event.tenantId, async (data) => {
      const pending = await this.messages.pendingReminders(data, { customerId: event.customerId });
      const followed = await this.follow(data, pending, event.customer, [event.customerId]);
      return { applied: true, ...followed };
    });
  }

  private async follow(
    data: TenantScope,
    pending: MessageRow[],
    contact: { phone: string | null; email: string | null } | null,
    subjectIds: string[],
  ): Promise<{ readdressed: number; cancelled: number }> {
    const cancel: string[] = [];
    let readdressed = 0;
    for (const row of pending) {
      const address = contact ? (row.channel === 'email' ? contact.email : contact.phone) : null;
      if (!address) {
        cancel.push(row.id);
        continue;
      }
      if (this.messages.plain(data, row).recipient === address) continue;
      await this.messages.readdress(data, row.id, address, recipientIndex(data.cipher, address));
      await this.refs.route(data, this.routes.of(address));
      await data.record({
        action: 'update',
        resource: { id: row.id },
        subjectIds,
        fields: messageFields(address),
        reason: 'reminder_readdressed',
      });
      readdressed++;
    }
    const cancelled = await this.messages.cancelPending(data, cancel);
    if (cancelled.length)
      await data.record({
        action: 'update',
        resource: { id: null },
        subjectIds,
        reason: `reminders_cancelled:${cancelled.length}`,
      });
    if (readdressed || cancelled.length)
      this.logger.pino.info(
        { tenantId: data.tenantId, subjectIds, readdressed, cancelled: cancelled.length },
        'pending reminders followed their recipient',
      );
    return { readdressed, cancelled: cancelled.length };
  }
}
