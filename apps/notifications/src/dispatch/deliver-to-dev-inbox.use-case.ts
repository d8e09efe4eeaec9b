import { Inject, Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import { notificationTransportKey, type DispatchContent, type NotificationDispatch } from '@lekha/contracts';
import { FieldCipher, TenantKeyring, open } from '@lekha/crypto';
import { MASTER_KEY } from '@lekha/runtime';
import { RecipientIndex } from './recipient-index.js';
import { DevInboxRepository } from '../dev-inbox/dev-inbox.repository.js';

/**
 * Until real SMS and email providers arrive, every message lands in the development inbox,
 * encrypted under the tenant's key. Redelivery of the same message is harmless (its ID is the key).
 */
@Injectable()
export class DeliverToDevInboxUseCase {
  private readonly transportKey: Buffer;

  constructor(
    private readonly inbox: DevInboxRepository,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly recipients: RecipientIndex,
    @Inject(MASTER_KEY) masterKey: Buffer,
  ) {
    this.transportKey = notificationTransportKey(masterKey);
  }

  async execute(m: NotificationDispatch): Promise<void> {
    const content = JSON.parse(
      open(this.transportKey, Buffer.from(m.sealed, 'base64'), Buffer.from(m.messageId)).toString('utf8'),
    ) as DispatchContent;
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
