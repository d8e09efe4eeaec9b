import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import {
  uuidv7,
  type MessageChannel,
  type MessageStatus,
  type MessageView,
  type TemplateCategory,
} from '@lekha/contracts';
import { pgArray } from '@lekha/persistence';
import { maskRecipient } from '../common/recipient.js';

export interface NewMessage {
  id: string;
  templateKey: string;
  channel: MessageChannel;
  category: TemplateCategory;
  recipient: string;
  recipientIdx: string;
  customerId: string | null;
  body: string;
  variables: string[];
  status: 'queued' | 'deferred';
  nextAttemptAt: Date;
  createdAt: Date;
  /** A reminder: the business record it is about and the rule that queued it. */
  recordId?: string | null;
  reminderRule?: string | null;
  /** A reminder to the record's assignee: the staff user it addresses. */
  recipientUserId?: string | null;
}

export interface MessageRow {
  id: string;
  tenant_id: string;
  template_key: string;
  channel: MessageChannel;
  category: TemplateCategory;
  recipient_enc: Buffer;
  recipient_idx: string;
  customer_id: string | null;
  record_id: string | null;
  reminder_rule: string | null;
  recipient_user_id?: string | null;
  body_enc: Buffer;
  variables_enc: Buffer | null;
  status: MessageStatus;
  provider: string | null;
  provider_message_id: string | null;
  error_code: string | null;
  error_detail: string | null;
  attempts: number;
  next_attempt_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

/** `sending` only in rows written before attempts were recorded once, with their outcome. */
export type AttemptState = 'sending' | 'sent' | 'failed' | 'unknown';

/** An attempt whose outcome is known (`sent`, `failed`) or is not (`unknown`: it may have reached the provider). */
export interface FinishedAttempt {
  attemptId: string;
  messageId: string;
  provider: string;
  state: Exclude<AttemptState, 'sending'>;
  providerMessageId?: string | null;
  errorCode?: string | null;
  errorDetail?: string | null;
  startedAt: Date;
}

export interface AttemptRow {
  id: string;
  provider: string;
  state: AttemptState;
  started_at: Date | string;
}

export interface MessagePageQuery {
  status?: MessageStatus;
  customerId?: string;
  recordId?: string;
  after?: { createdAt: Date; id: string };
  limit: number;
}

/** A message's contents in memory (decrypted), for a provider call. */
export interface MessagePlain {
  recipient: string;
  body: string;
  variables: string[];
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/** Status order for receipts: a state only moves forward (a late `sent` never overwrites `delivered`). */
export const STATUS_RANK: Record<MessageStatus, number> = {
  queued: 0,
  deferred: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  failed: 3,
  read: 4,
  dead: 5,
  cancelled: 5,
};

/**
 * A tenant's messages and their attempts: recipient, text and variables are stored only encrypted
 * under the tenant's key, the recipient also as a blind index.
 */
@Injectable()
export class MessageRepository {
  insert(data: TenantScope, m: NewMessage): Promise<void> {
    return this.insertMany(data, [m]);
  }

  /**
   * New messages in one statement (one, or a batch send). Not counted here: the caller counts the tenant's
   * own messages for the month (MessageQuota: `admit` for sends, `add` for reminders queued from a record).
   */
  async insertMany({ tx, tenantId, cipher }: TenantScope, ms: readonly NewMessage[]): Promise<void> {
    if (!ms.length) return;
    await tx.execute(
      `insert into notifications.messages (id, tenant_id, template_key, channel, category, recipient_enc,
         recipient_idx, customer_id, body_enc, variables_enc, status, next_attempt_at, created_at, updated_at,
         record_id, reminder_rule, recipient_user_id)
       values ${ms.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
      ms.flatMap((m) => [
        m.id,
        tenantId,
        m.templateKey,
        m.channel,
        m.category,
        cipher.encrypt('recipient', m.recipient),
        m.recipientIdx,
        m.customerId,
        cipher.encrypt('body', m.body),
        m.variables.length ? cipher.encrypt('variables', JSON.stringify(m.variables)) : null,
        m.status,
        m.nextAttemptAt,
        m.createdAt,
        m.createdAt,
        m.recordId ?? null,
        m.reminderRule ?? null,
        m.recipientUserId ?? null,
      ]),
    );
  }

  async find({ tx, tenantId }: TenantScope, id: string, lock = false): Promise<MessageRow | null> {
    const rows = await tx.execute<MessageRow[]>(
      `select * from notifications.messages where tenant_id = ? and id = ?${lock ? ' for update' : ''}`,
      [tenantId, id],
    );
    return rows[0] ?? null;
  }

  /** The status of messages by ID, and when it last changed (IDs and statuses only). */
  async statusesOf(
    { tx, tenantId }: TenantScope,
    ids: readonly string[],
  ): Promise<{ id: string; status: MessageStatus; updated_at: Date | string }[]> {
    if (!ids.length) return [];
    return tx.execute(
      `select id, status, updated_at from notifications.messages where tenant_id = ? and id in (${ids
        .map(() => '?')
        .join(', ')})`,
      [tenantId, ...ids],
    );
  }

  async page({ tx, tenantId }: TenantScope, q: MessagePageQuery): Promise<MessageRow[]> {
    const where = ['tenant_id = ?'];
    const params: unknown[] = [tenantId];
    if (q.status) {
      where.push('status = ?');
      params.push(q.status);
    }
    if (q.customerId) {
      where.push('customer_id = ?');
      params.push(q.customerId);
    }
    if (q.recordId) {
      where.push('record_id = ?');
      params.push(q.recordId);
    }
    if (q.after) {
      where.push('(created_at < ? or (created_at = ? and id < ?))');
      params.push(q.after.createdAt, q.after.createdAt, q.after.id);
    }
    return tx.execute<MessageRow[]>(
      `select * from notifications.messages where ${where.join(' and ')}
         order by created_at desc, id desc limit ${Number(q.limit)}`,
      params,
    );
  }

  plain({ cipher }: TenantScope, row: MessageRow): MessagePlain {
    const variables = cipher.decrypt('variables', row.variables_enc);
    return {
      recipient: cipher.decrypt('recipient', row.recipient_enc)!,
      body: cipher.decrypt('body', row.body_enc)!,
      variables: variables ? (JSON.parse(variables) as string[]) : [],
    };
  }

  view(data: TenantScope, row: MessageRow): MessageView {
    return {
      id: row.id,
      status: row.status,
      channel: row.channel,
      template: row.template_key,
      category: row.category,
      recipient: maskRecipient(data.cipher.decrypt('recipient', row.recipient_enc)!),
      customerId: row.customer_id,
      recordId: row.record_id ?? null,
      reminderRule: row.reminder_rule ?? null,
      provider: row.provider,
      providerMessageId: row.provider_message_id,
      error: row.error_code ? { code: row.error_code, detail: row.error_detail } : null,
      attempts: row.attempts,
      nextAttemptAt: iso(row.next_attempt_at),
      createdAt: iso(row.created_at)!,
      updatedAt: iso(row.updated_at)!,
    };
  }

  /**
   * Deletes the messages of one customer — pending reminders included — with their attempts (by
   * cascade), their provider references (receipts for them find nothing) and their queue rows; the
   * ids that went.
   */
  async deleteForCustomer({ tx, tenantId }: TenantScope, customerId: string): Promise<string[]> {
    const rows = await tx.execute<{ id: string }[]>(
      `delete from notifications.messages where tenant_id = ? and customer_id = ? returning id`,
      [tenantId, customerId],
    );
    const ids = rows.map((r) => r.id);
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const marks = chunk.map(() => '?').join(', ');
      await tx.execute(`delete from notifications.provider_refs where tenant_id = ? and message_id in (${marks})`, [
        tenantId,
        ...chunk,
      ]);
      await tx.execute(`delete from notifications.dispatch_queue where tenant_id = ? and message_id in (${marks})`, [
        tenantId,
        ...chunk,
      ]);
    }
    return ids;
  }

  /** A record's reminders not yet handed to a provider (queued or deferred). */
  pendingForRecord({ tx, tenantId }: TenantScope, recordId: string): Promise<MessageRow[]> {
    return tx.execute<MessageRow[]>(
      `select * from notifications.messages where tenant_id = ? and record_id = ? and status in ('queued', 'deferred')
         for update`,
      [tenantId, recordId],
    );
  }

  /**
   * Pending reminders addressed to a customer (`customerId`) or to a staff user (`userId`): a customer's are
   * those of records not addressed to a staff user.
   */
  pendingReminders(
    { tx, tenantId }: TenantScope,
    to: { customerId: string } | { userId: string },
  ): Promise<MessageRow[]> {
    const who = 'customerId' in to ? 'customer_id = ? and recipient_user_id is null' : 'recipient_user_id = ?';
    return tx.execute<MessageRow[]>(
      `select * from notifications.messages where tenant_id = ? and ${who} and record_id is not null
         and status in ('queued', 'deferred') for update`,
      [tenantId, 'customerId' in to ? to.customerId : to.userId],
    );
  }

  /** A pending message's new address (its recipient and blind index), still pending only. */
  async readdress({ tx, tenantId, cipher }: TenantScope, id: string, recipient: string, recipientIdx: string) {
    await tx.execute(
      `update notifications.messages set recipient_enc = ?, recipient_idx = ?, updated_at = now()
         where tenant_id = ? and id = ? and status in ('queued', 'deferred')`,
      [cipher.encrypt('recipient', recipient), recipientIdx, tenantId, id],
    );
  }

  /** Cancels pending messages (status `cancelled`, off the queue); the ids that were still pending. */
  async cancelPending({ tx, tenantId }: TenantScope, ids: readonly string[]): Promise<string[]> {
    if (!ids.length) return [];
    const marks = ids.map(() => '?').join(', ');
    const rows = await tx.execute<{ id: string }[]>(
      `update notifications.messages set status = 'cancelled', next_attempt_at = null, updated_at = now()
         where tenant_id = ? and id in (${marks}) and status in ('queued', 'deferred') returning id`,
      [tenantId, ...ids],
    );
    await tx.execute(`delete from notifications.dispatch_queue where tenant_id = ? and message_id in (${marks})`, [
      tenantId,
      ...ids,
    ]);
    return rows.map((r) => r.id);
  }

  /* ---- dispatch in batches (one statement for many messages of one tenant) ---- */

  /** Several messages by ID, locked for this transaction (the dispatcher's prepare step). */
  findMany({ tx, tenantId }: TenantScope, ids: readonly string[], lock = false): Promise<MessageRow[]> {
    if (!ids.length) return Promise.resolve([]);
    return tx.execute<MessageRow[]>(
      `select * from notifications.messages
         where tenant_id = ? and id = any(?::uuid[])
         order by id${lock ? ' for update' : ''}`,
      [tenantId, pgArray(ids)],
    );
  }

  /** The attempts of several messages, per message in the order they were made. */
  async attemptsOf({ tx, tenantId }: TenantScope, ids: readonly string[]): Promise<Map<string, AttemptRow[]>> {
    const out = new Map<string, AttemptRow[]>(ids.map((id) => [id, []]));
    if (!ids.length) return out;
    const rows = await tx.execute<(AttemptRow & { message_id: string })[]>(
      `select id, message_id, provider, state, started_at from notifications.message_attempts
         where tenant_id = ? and message_id = any(?::uuid[])
         order by started_at, id`,
      [tenantId, pgArray(ids)],
    );
    for (const { message_id, ...a } of rows) out.get(message_id)?.push(a);
    return out;
  }

  /**
   * Messages a worker left `sending` (it died, or its record step failed, before the provider's answer was
   * recorded): each gets an attempt `unknown` through the provider it was going to (it may have reached
   * it, so that provider is never used for it again). Attempts still `sending` from before attempts were
   * written once are marked `unknown` instead. Answers how many were abandoned.
   */
  async abandonInFlight({ tx, tenantId }: TenantScope, rows: readonly MessageRow[]): Promise<number> {
    const stale = rows.filter((r) => r.status === 'sending');
    if (!stale.length) return 0;
    const error = ['ABANDONED', 'the sending worker stopped before the provider answered'];
    const legacy = await tx.execute<{ message_id: string }[]>(
      `update notifications.message_attempts set state = 'unknown', finished_at = now(), error_code = ?,
         error_detail = ?
       where tenant_id = ? and state = 'sending' and message_id = any(?::uuid[]) returning message_id`,
      [...error, tenantId, pgArray(stale.map((r) => r.id))],
    );
    const marked = new Set(legacy.map((r) => r.message_id));
    const rest = stale.filter((r) => !marked.has(r.id) && r.provider);
    await this.recordAttempts(
      { tx, tenantId },
      rest.map((r) => ({
        attemptId: uuidv7(),
        messageId: r.id,
        provider: r.provider!,
        state: 'unknown' as const,
        errorCode: error[0],
        errorDetail: error[1],
        startedAt: new Date(r.updated_at),
      })),
    );
    return stale.length;
  }

  /**
   * Messages about to be handed to a provider, one statement: each `sending` through its provider, one more
   * attempt counted. This is what a crashed worker leaves behind (`abandonInFlight`); the attempt row itself
   * is written once, with its outcome.
   */
  async startAttempts(
    { tx, tenantId }: TenantScope,
    starts: readonly { messageId: string; provider: string }[],
  ): Promise<void> {
    if (!starts.length) return;
    await tx.execute(
      `update notifications.messages m set status = 'sending', provider = v.p, attempts = m.attempts + 1,
         updated_at = now()
       from unnest(?::uuid[], ?::text[]) as v(m, p)
       where m.tenant_id = ? and m.id = v.m`,
      [pgArray(starts.map((s) => s.messageId)), pgArray(starts.map((s) => s.provider)), tenantId],
    );
  }

  /** Finished attempts (their outcome known, or not), one statement. */
  async recordAttempts({ tx, tenantId }: Pick<TenantScope, 'tx' | 'tenantId'>, attempts: readonly FinishedAttempt[]) {
    if (!attempts.length) return;
    await tx.execute(
      `insert into notifications.message_attempts (id, tenant_id, message_id, provider, state, provider_message_id,
         error_code, error_detail, started_at, finished_at)
       select v.id, ?, v.m, v.p, v.s, v.r, v.c, v.d, v.t, now()
       from jsonb_to_recordset(?::jsonb) as v(id uuid, m uuid, p text, s text, r text, c text, d text, t timestamptz)`,
      [
        tenantId,
        JSON.stringify(
          attempts.map((a) => ({
            id: a.attemptId,
            m: a.messageId,
            p: a.provider,
            s: a.state,
            r: a.providerMessageId ?? null,
            c: a.errorCode ?? null,
            d: a.errorDetail ?? null,
            t: a.startedAt.toISOString(),
          })),
        ),
      ],
    );
  }

  /**
   * Several attempts the provider accepted: each attempt recorded `sent` with the provider's message ID, its
   * message `sent` through that provider (error and next attempt cleared), two statements.
   */
  async finishSent(
    data: TenantScope,
    sent: readonly {
      messageId: string;
      attemptId: string;
      provider: string;
      providerMessageId: string;
      startedAt: Date;
    }[],
  ): Promise<void> {
    if (!sent.length) return;
    const { tx, tenantId } = data;
    await this.recordAttempts(
      data,
      sent.map((s) => ({ ...s, state: 'sent' as const })),
    );
    await tx.execute(
      `update notifications.messages m set status = 'sent', provider = v.p, provider_message_id = v.r,
         error_code = null, error_detail = null, next_attempt_at = null, updated_at = now()
       from unnest(?::uuid[], ?::text[], ?::text[]) as v(m, p, r)
       where m.tenant_id = ? and m.id = v.m`,
      [
        pgArray(sent.map((s) => s.messageId)),
        pgArray(sent.map((s) => s.provider)),
        pgArray(sent.map((s) => s.providerMessageId)),
        tenantId,
      ],
    );
  }

  /** Sets the status (and what goes with it) of a message. */
  async setStatus(
    { tx, tenantId }: TenantScope,
    id: string,
    s: {
      status: MessageStatus;
      provider?: string | null;
      providerMessageId?: string | null;
      error?: { code: string; detail: string | null } | null;
      nextAttemptAt?: Date | null;
    },
  ): Promise<void> {
    const sets = ['status = ?', 'updated_at = now()'];
    const params: unknown[] = [s.status];
    if (s.provider !== undefined) {
      sets.push('provider = ?');
      params.push(s.provider);
    }
    if (s.providerMessageId !== undefined) {
      sets.push('provider_message_id = ?');
      params.push(s.providerMessageId);
    }
    if (s.error !== undefined) {
      sets.push('error_code = ?', 'error_detail = ?');
      params.push(s.error?.code ?? null, s.error?.detail ?? null);
    }
    if (s.nextAttemptAt !== undefined) {
      sets.push('next_attempt_at = ?');
      params.push(s.nextAttemptAt);
    }
    await tx.execute(`update notifications.messages set ${sets.join(', ')} where tenant_id = ? and id = ?`, [
      ...params,
      tenantId,
      id,
    ]);
  }

  /** Moves a message forward to a receipt's state; answers whether it moved (never backwards). */
  async advance(
    data: TenantScope,
    id: string,
    state: 'sent' | 'delivered' | 'read' | 'failed',
    error: { code: string; detail: string | null } | null,
  ): Promise<boolean> {
    const [row] = await data.tx.execute<{ status: MessageStatus }[]>(
      `select status from notifications.messages where tenant_id = ? and id = ? for update`,
      [data.tenantId, id],
    );
    if (!row || STATUS_RANK[state] <= STATUS_RANK[row.status]) return false;
    await this.setStatus(data, id, {
      status: state,
      ...(error ? { error } : {}),
    });
    return true;
  }
}
