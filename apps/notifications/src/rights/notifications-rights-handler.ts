import { Injectable } from '@nestjs/common';
import { TenantAccess } from '@lekha/access';
import type { RightsErasure, RightsPart, RightsPartRequestedEvent, RightsRecipient } from '@lekha/contracts';
import { holdingsFrom, type RightsHandler } from '@lekha/runtime';
import { CustomerErasure } from '../reminders/customer-erasure.js';
import { NOTIFICATIONS_PERSONAL_DATA } from './personal-data.js';

type Ts = Date | string;
const iso = (v: Ts) => new Date(v).toISOString();

interface MessageRow {
  id: string;
  channel: string;
  template_key: string;
  category: string;
  recipient_enc: Buffer;
  recipient_idx: string;
  body_enc: Buffer;
  status: string;
  provider: string | null;
  created_at: Ts;
}

/**
 * Notifications' part: the messages sent to the customer (address and text decrypted, status,
 * provider), the consent view and opt-out flags of the addresses those messages went to, and the
 * providers that received the customer's data (each delivery attempt), audited as the service.
 */
@Injectable()
export class NotificationsRightsHandler implements RightsHandler {
  readonly service = 'notifications' as const;
  readonly declarations = NOTIFICATIONS_PERSONAL_DATA;

  constructor(
    private readonly access: TenantAccess,
    private readonly erasure: CustomerErasure,
  ) {}

  /**
   * A principal's erasure: the same deletion as a customer's erasure from tenant-data (messages, pending
   * reminders, attempts, provider references, queue rows), audited as the service.
   */
  async erase(request: RightsPartRequestedEvent): Promise<RightsErasure> {
    const deleted = await this.erasure.eraseHere(request.tenantId, request.customerId);
    const message = this.declarations.find((d) => d.table === 'notifications.messages')!;
    return { erased: [{ what: message.what, category: message.category, count: deleted }], retained: [] };
  }

  async part(request: RightsPartRequestedEvent): Promise<RightsPart> {
    const t = request.tenantId;
    const held = await this.access.runAsService(t, this.service, async (data) => {
      const { tx, cipher } = data;
      const messages = await tx.execute<MessageRow[]>(
        `select id, channel, template_key, category, recipient_enc, recipient_idx, body_enc, status, provider,
           created_at from notifications.messages where tenant_id = ? and customer_id = ? order by created_at`,
        [t, request.customerId],
      );
      const addresses = [...new Set(messages.map((m) => m.recipient_idx))];
      const inAddresses = addresses.map(() => '?').join(', ');
      const holdings = await holdingsFrom(this.declarations, {
        'notifications.messages': async () => ({
          items: messages.map((m) => ({
            id: m.id,
            channel: m.channel,
            template: m.template_key,
            category: m.category,
            to: cipher.decrypt('recipient', m.recipient_enc),
            text: cipher.decrypt('body', m.body_enc),
            status: m.status,
            provider: m.provider,
            at: iso(m.created_at),
          })),
          since: messages[0]?.created_at ?? null,
        }),
        'notifications.consents': async () => {
          if (!addresses.length) return { items: [], since: null };
          const rows = await tx.execute<{ purpose: string; granted: boolean; updated_at: Ts }[]>(
            `select purpose, granted, updated_at from notifications.consents
               where tenant_id = ? and recipient_idx in (${inAddresses}) order by updated_at`,
            [t, ...addresses],
          );
          return {
            items: rows.map((r) => ({ grant: r.purpose, granted: r.granted, at: iso(r.updated_at) })),
            since: rows[0]?.updated_at ?? null,
          };
        },
        'notifications.recipient_flags': async () => {
          if (!addresses.length) return { items: [], since: null };
          const rows = await tx.execute<{ opted_out: boolean; dnd: boolean; updated_at: Ts }[]>(
            `select opted_out, dnd, updated_at from notifications.recipient_flags
               where tenant_id = ? and recipient_idx in (${inAddresses}) order by updated_at`,
            [t, ...addresses],
          );
          return {
            items: rows.map((r) => ({ optedOut: r.opted_out, dnd: r.dnd, at: iso(r.updated_at) })),
            since: rows[0]?.updated_at ?? null,
          };
        },
      });
      const providers = await tx.execute<{ provider: string; n: string | number; first: Ts; last: Ts }[]>(
        `select a.provider, count(*) as n, min(a.started_at) as first, max(a.started_at) as last
           from notifications.message_attempts a join notifications.messages m on m.id = a.message_id
           where m.tenant_id = ? and m.customer_id = ? group by a.provider order by a.provider`,
        [t, request.customerId],
      );
      const sharedWith: RightsRecipient[] = providers.map((p) => ({
        recipient: p.provider,
        category: 'user.contact.phone',
        purpose: 'delivering the business’s messages to you',
        count: Number(p.n),
        first: iso(p.first),
        last: iso(p.last),
      }));
      await data.record({
        resource: { type: 'message', id: null },
        subjectIds: [request.customerId],
        reason: `rights_${request.kind}`,
        fields: [
          { name: 'recipient', category: 'user.contact.phone' },
          { name: 'body', category: 'user.activity' },
        ],
      });
      return { holdings, sharedWith };
    });
    return {
      service: this.service,
      holdings: held?.holdings ?? [],
      sharedWith: held?.sharedWith ?? [],
      activities: [],
      ...(held ? {} : { note: 'notifications holds nothing for this tenant' }),
    };
  }
}
