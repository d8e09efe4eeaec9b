import type { PersonalDataDeclaration } from '@lekha/contracts';

/** What notifications holds about a tenant's customers, table by table; its rights handler answers from these. */
export const NOTIFICATIONS_PERSONAL_DATA: readonly PersonalDataDeclaration[] = [
  {
    table: 'notifications.messages',
    what: 'message',
    category: 'user.activity',
    purpose: 'messages the business sent you (SMS, WhatsApp, email): address, text, delivery status',
    principalColumn: 'customer_id',
  },
  {
    table: 'notifications.message_attempts',
    what: 'delivery attempt',
    category: 'user.activity',
    purpose: 'which provider carried each message, when',
    principalColumn: 'message_id',
    partOf: 'notifications.messages',
  },
  {
    table: 'notifications.consents',
    what: 'consent applied to sends',
    category: 'user.consent',
    purpose: 'whether promotional, service and WhatsApp messages may be sent to your address',
    principalColumn: 'recipient_idx',
  },
  {
    table: 'notifications.recipient_flags',
    what: 'opt-out and do-not-disturb',
    category: 'user.preferences',
    purpose: 'your STOP replies and do-not-disturb status, honoured on every send',
    principalColumn: 'recipient_idx',
  },
  {
    table: 'notifications.staff_contacts',
    what: 'staff contact',
    category: 'user.contact.phone',
    purpose: 'alerting the tenant’s staff (a caretaker) of work assigned to them',
    principalColumn: null,
    notCustomers: 'the tenant’s staff users’ phones and emails (from identity), not its customers',
  },
  {
    table: 'notifications.idempotency_keys',
    what: 'send request fingerprint',
    category: 'business.operational',
    purpose: 'refusing a repeated send',
    principalColumn: null,
    notCustomers: 'a keyed hash of a send request, kept a day; nothing readable about the recipient',
  },
  {
    table: 'notifications.recipient_routes',
    what: 'inbound routing',
    category: 'business.operational',
    purpose: 'routing provider replies to the tenant',
    principalColumn: null,
    notCustomers: 'a keyed hash of an address linking replies to a tenant; nothing readable',
  },
  {
    table: 'notifications.settings',
    what: 'provider credentials',
    category: 'business.operational',
    purpose: 'the tenant’s messaging settings',
    principalColumn: null,
    notCustomers: 'the tenant’s own provider credentials',
  },
  {
    table: 'notifications.dev_inbox',
    what: 'development inbox',
    category: 'user.contact.phone',
    purpose: 'platform codes and links outside production',
    principalColumn: null,
    notCustomers: 'codes and links for the platform’s users (staff), never a tenant’s customers',
  },
];
