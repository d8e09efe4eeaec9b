import { Injectable } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import type { DevInboxMessage } from '@lekha/contracts';
import { FieldCipher, TenantKeyring } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import { RecipientIndex } from '../dispatch/recipient-index.js';

interface Row {
  id: string;
  tenant_id: string;
  channel: DevInboxMessage['channel'];
  purpose: string;
  body_enc: Buffer;
  created_at: Date;
}

/** Reads one recipient's messages, newest first (development and test only; see the module). */
@Injectable()
export class ReadDevInboxUseCase {
  constructor(
    private readonly db: Database,
    private readonly audit: AuditOutbox,
    private readonly keyring: TenantKeyring,
    private readonly recipients: RecipientIndex,
  ) {}

  async execute(to: string): Promise<{ items: DevInboxMessage[] }> {
    const rows = await this.db
      .em()
      .execute<Row[]>(
        `select id, tenant_id, channel, purpose, body_enc, created_at from notifications.dev_inbox where ` +
          `recipient_idx = ? order by created_at desc limit 50`,
        [this.recipients.of(to)],
      );
    // Keys before the transaction: the embedded database has a single connection.
    const ciphers = new Map<string, FieldCipher>();
    for (const t of new Set(rows.map((r) => r.tenant_id)))
      ciphers.set(t, new FieldCipher(await this.keyring.keysFor(t)));
    await this.db.em().transactional((tx) =>
      this.audit.record(
        tx,
        ...rows.map((r) => ({
          action: 'read' as const,
          resource: { type: 'notification', id: r.id },
          tenantId: r.tenant_id,
          reason: 'dev_inbox',
          fields: [{ name: 'body', category: 'user.communication' }],
        })),
      ),
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
