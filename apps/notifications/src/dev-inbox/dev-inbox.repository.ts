import { Injectable } from '@nestjs/common';
import type { DevInboxMessage } from '@lekha/contracts';
import { Database, type Em } from '@lekha/persistence';

export interface NewDevInboxMessage {
  id: string;
  tenantId: string;
  channel: string;
  purpose: string;
  recipientIndex: string;
  bodyEnc: Buffer;
}

export interface DevInboxRow {
  id: string;
  tenant_id: string;
  channel: DevInboxMessage['channel'];
  purpose: string;
  body_enc: Buffer;
  created_at: Date;
}

/** The development inbox's messages (every message lands here; reading it is development and test only). */
@Injectable()
export class DevInboxRepository {
  constructor(private readonly db: Database) {}

  /** One recipient's latest messages (by blind index), newest first. */
  latest(recipientIndex: string, limit = 50): Promise<DevInboxRow[]> {
    return this.db.em().execute<DevInboxRow[]>(
      `select id, tenant_id, channel, purpose, body_enc, created_at from notifications.dev_inbox
         where recipient_idx = ? order by created_at desc limit ${Number(limit)}`,
      [recipientIndex],
    );
  }

  /**
   * Stores a message once (its ID is the key: a redelivery changes nothing); `then` runs in the same
   * transaction only when it was new — where the delivery's audit record is written.
   */
  insertOnce(m: NewDevInboxMessage, then: (tx: Em) => Promise<unknown>): Promise<boolean> {
    return this.db.em().transactional(async (tx) => {
      const inserted = await tx.execute<{ id: string }[]>(
        `insert into notifications.dev_inbox (id, tenant_id, channel, purpose, recipient_idx, body_enc)
         values (?, ?, ?, ?, ?, ?)
         on conflict (id) do nothing returning id`,
        [m.id, m.tenantId, m.channel, m.purpose, m.recipientIndex, m.bodyEnc],
      );
      if (inserted.length) await then(tx);
      return inserted.length > 0;
    });
  }
}
