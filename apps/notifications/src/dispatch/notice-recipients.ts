import { Injectable } from '@nestjs/common';
import type { AddressedDispatchContent, DispatchContent, NotificationDispatch } from '@lekha/contracts';
import { CustomerDirectory } from '../recipients/customer-directory.js';

/** A notice addressed by ID, made deliverable: the contact found, the channel it can go by. */
export interface ResolvedNotice {
  channel: 'sms' | 'email';
  content: DispatchContent;
  customerId: string | null;
}

/**
 * Finds the contact of a notice another service addressed by ID (compliance's register notices): a
 * customer through tenant-data, the tenant's owner through identity, each asked as this service; a
 * principal known only by an address comes with it (sealed in the dispatch). The
 * dispatch's channel is a preference: a recipient without an email gets an SMS, and the reverse.
 * Null when there is no such recipient (or no way to reach them).
 */
@Injectable()
export class NoticeRecipients {
  constructor(private readonly directory: CustomerDirectory) {}

  async resolve(
    m: NotificationDispatch & { tenantId: string },
    c: AddressedDispatchContent,
  ): Promise<ResolvedNotice | null> {
    // A principal known only by the address they gave (their consent's): that address, as given.
    if ('address' in c.recipient) {
      const to = c.recipient.address;
      return { channel: to.includes('@') ? 'email' : 'sms', content: { to, body: c.body }, customerId: null };
    }
    const contact =
      'customerId' in c.recipient
        ? await this.directory.noticeContact(m.tenantId, c.recipient.customerId)
        : await this.directory.ownerContact(m.tenantId);
    if (!contact) return null;
    const customerId = 'customerId' in c.recipient ? c.recipient.customerId : null;
    const byEmail = contact.email && (m.channel === 'email' || !contact.phone);
    if (byEmail) return { channel: 'email', content: { to: contact.email!, body: c.body }, customerId };
    if (contact.phone) return { channel: 'sms', content: { to: contact.phone, body: c.body }, customerId };
    return null;
  }
}
