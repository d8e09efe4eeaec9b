import { Injectable } from '@nestjs/common';
import type { DevInboxMessage } from '@lekha/contracts';
import { Database } from '@lekha/persistence';

export interface DevInboxRow {
  id: string;
  tenant_id: string;
  channel: DevInboxMessage['channel'];
  purpose: string;
  body_enc: Buffer;
  created_at: Date;
}

/** The development inbox's messages (development and test only). */
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
}
