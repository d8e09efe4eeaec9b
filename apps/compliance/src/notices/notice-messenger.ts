/** A notice compliance hands to notifications, addressed by ID only (notifications finds the contact). */
export interface OutgoingNotice {
  /** The notice's ID, used as the message's ID: handing it over twice queues one message. */
  id: string;
  tenantId: string;
  /** The tenant's owner, a customer by ID, or a principal known only by the address they gave (sealed in transit). */
  to: { tenantOwner: true } | { customerId: string } | { address: string };
  purpose:
    | 'legal_request_notice'
    | 'breach_notice'
    | 'support_access_request'
    | 'break_glass_access'
    | 'retention_notice'
    | 'privacy_notice_change';
  /** The text: platform text about the request, breach, access request or purge, no personal data. */
  body: string;
}

/** What notifications reports for a message it keeps. */
export interface DeliveryStatus {
  status: string;
  at: string;
}

/**
 * The one way compliance sends a notice (registers, retention): to notifications, addressed by ID.
 * Use-case tests put a fake in its place.
 */
export abstract class NoticeMessenger {
  /** Hands a notice over; resolves once notifications has it (it may still be queued). */
  abstract send(notice: OutgoingNotice): Promise<void>;
  /** The delivery status of messages notifications keeps for a tenant (absent: not known yet). */
  abstract statuses(tenantId: string, messageIds: string[]): Promise<Map<string, DeliveryStatus>>;
}
