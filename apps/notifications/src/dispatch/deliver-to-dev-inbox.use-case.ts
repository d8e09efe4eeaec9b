import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import type { DispatchContent, NotificationDispatch } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { RecipientIndex } from './recipient-index.js';
import { DevInboxRepository } from '../dev-inbox/dev-inbox.repository.js';

/**
 * Outside production every platform message also lands in the development inbox (a copy of what the
 * providers are sent), encrypted under the tenant's key. Redelivery is harmless (its ID is the key).
 */
@Injectable()
export class DeliverToDevInboxUseCase {
  constructor(
    private readonly inbox: DevInboxRepository,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly recipients: RecipientIndex,
  ) {}

  async execute(m: NotificationDispatch, content: DispatchContent): Promise<void> {
    if (!m.tenantId) throw new Error('dispatch without a tenant cannot be encrypted under a tenant key');
    const tenantId = m.tenantId;
    const cipher = new FieldCipher(await this.keyring.keysFor(tenantId));
    await this.inbox.insertOnce(
      {
        id: m.messageId,
        tenantId,
        channel: m.channel,
        purpose: m.purpose,
        recipientIndex: this.recipients.of(content.to),
        bodyEnc: cipher.encrypt('body', content.body)!,
      },
      (tx) =>
        this.audit.record(tx, {
          action: 'create',
          resource: { type: 'notification', id: m.messageId },
          reason: m.purpose,
          tenantId,
          actorType: 'service',
          actorId: 'notifications',
          fields: [{ name: 'body', category: 'user.communication' }],
        }),
    );
  }
}
