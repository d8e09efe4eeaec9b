import { NotificationOps, type DevInboxMessage, type DevInboxQuery } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { PlatformAccess } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { RecipientIndex } from '../dispatch/recipient-index.js';
import { DevInboxRepository } from './dev-inbox.repository.js';

type Op = typeof NotificationOps.devInbox;

/** Reads one recipient's messages, newest first (development and test only; see the module). */
@Handles(NotificationOps.devInbox)
export class ReadDevInboxUseCase implements UseCase<Op> {
  constructor(
    private readonly access: PlatformAccess,
    private readonly inbox: DevInboxRepository,
    private readonly keyring: TenantKeyring,
    private readonly recipients: RecipientIndex,
  ) {}

  async execute(scope: OperationScope<Op>, { to }: DevInboxQuery): Promise<{ items: DevInboxMessage[] }> {
    const rows = await this.inbox.latest(this.recipients.of(to));
    // Keys before the transaction: the embedded database has a single connection.
    const ciphers = new Map<string, FieldCipher>();
    for (const t of new Set(rows.map((r) => r.tenant_id)))
      ciphers.set(t, new FieldCipher(await this.keyring.keysFor(t)));
    await this.access.record(
      scope,
      ...rows.map((r) => ({
        resource: { id: r.id },
        tenantId: r.tenant_id,
        reason: 'dev_inbox',
        fields: [{ name: 'body', category: 'user.communication' }],
      })),
    );
    return {
      items: rows.map((r) => ({
        id: r.id,
        channel: r.channel,
        purpose: r.purpose,
        body: ciphers.get(r.tenant_id)!.decrypt('body', r.body_enc)!,
        createdAt: new Date(r.created_at).toISOString(),
      })),
    };
  }
}
