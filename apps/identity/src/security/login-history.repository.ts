import { Injectable } from '@nestjs/common';
import { uuidv7, type LoginEventKind, type LoginEventView } from '@lekha/contracts';
import type { FieldCipher } from '@lekha/crypto';
import type { Em } from '@lekha/persistence';
import { requireContext } from '@lekha/tenancy';

interface Row {
  id: string;
  user_id: string | null;
  kind: LoginEventKind;
  session_id: string | null;
  ip_enc: Buffer | null;
  user_agent_enc: Buffer | null;
  created_at: Date;
}

/** Security events of a tenant's people, with IP and device encrypted under the tenant's key. */
@Injectable()
export class LoginHistoryRepository {
  async record(
    tx: Em,
    cipher: FieldCipher,
    event: { tenantId: string | null; userId: string | null; kind: LoginEventKind; sessionId?: string | null },
  ): Promise<void> {
    const ctx = requireContext();
    await tx.execute(
      `insert into identity.login_events (id, tenant_id, user_id, kind, session_id, ip_enc, user_agent_enc)
       values (?, ?, ?, ?, ?, ?, ?)`,
      [
        uuidv7(),
        event.tenantId,
        event.userId,
        event.kind,
        event.sessionId ?? null,
        cipher.encrypt('ip', ctx.ip),
        cipher.encrypt('user_agent', ctx.userAgent),
      ],
    );
  }

  /** Newest first; the cursor is the last ID of the previous page (IDs are time-ordered). */
  async page(em: Em, tenantId: string, q: { userId?: string; cursor?: string; limit: number }): Promise<Row[]> {
    const params: unknown[] = [tenantId];
    let where = 'tenant_id = ?';
    if (q.userId) {
      where += ' and user_id = ?';
      params.push(q.userId);
    }
    if (q.cursor) {
      where += ' and id < ?';
      params.push(q.cursor);
    }
    params.push(q.limit + 1);
    return em.execute<Row[]>(
      `select id, user_id, kind, session_id, ip_enc, user_agent_enc, created_at
       from identity.login_events where ${where} order by id desc limit ?`,
      params,
    );
  }

  static view(row: Row, cipher: FieldCipher): LoginEventView {
    return {
      id: row.id,
      userId: row.user_id,
      kind: row.kind,
      sessionId: row.session_id,
      ip: cipher.decrypt('ip', row.ip_enc),
      device: cipher.decrypt('user_agent', row.user_agent_enc),
      at: new Date(row.created_at).toISOString(),
    };
  }
}
