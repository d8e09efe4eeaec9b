import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import {
  DEFAULT_RIGHTS_DUE_DAYS,
  type RightsRequestKind,
  type RightsRequestStatus,
  type RightsService,
} from '@lekha/contracts';

type Ts = Date | string;

export interface RightsRequestRow {
  id: string;
  kind: RightsRequestKind;
  customer_id: string;
  status: RightsRequestStatus;
  details_enc: Buffer | null;
  received_at: Ts;
  verified_at: Ts | null;
  due_at: Ts;
  completed_at: Ts | null;
  rejected_at: Ts | null;
  rejection_enc: Buffer | null;
  note_enc: Buffer | null;
  filed_by_type: string;
  filed_by_id: string | null;
}

export interface RightsPartRow {
  request_id: string;
  service: RightsService;
  answered_at: Ts | null;
  part_enc: Buffer | null;
}

export interface NewRightsRequest {
  id: string;
  kind: RightsRequestKind;
  customerId: string;
  status: RightsRequestStatus;
  detailsEnc: Buffer | null;
  receivedAt: Date;
  verifiedAt: Date | null;
  dueAt: Date;
  filedBy: { type: string; id: string | null };
}

const OPEN = `status in ('received', 'verified', 'in_progress')`;
const COLUMNS = `id, kind, customer_id, status, details_enc, received_at, verified_at, due_at, completed_at,
  rejected_at, rejection_enc, note_enc, filed_by_type, filed_by_id`;

/** The tenant's rights requests and, per request, each service's part. */
@Injectable()
export class RightsRepository {
  /** Days to answer each kind: the tenant's own where it set them, else the defaults. */
  async dueDays({ tx, tenantId }: TenantScope): Promise<Record<RightsRequestKind, number>> {
    const own = await tx.execute<{ kind: RightsRequestKind; due_days: number }[]>(
      `select kind, due_days from compliance.rights_policies where tenant_id = ?`,
      [tenantId],
    );
    return { ...DEFAULT_RIGHTS_DUE_DAYS, ...Object.fromEntries(own.map((p) => [p.kind, p.due_days])) };
  }

  async putDueDays({ tx, tenantId }: TenantScope, kind: RightsRequestKind, days: number): Promise<void> {
    await tx.execute(
      `insert into compliance.rights_policies (tenant_id, kind, due_days) values (?, ?, ?)
         on conflict (tenant_id, kind) do update set due_days = excluded.due_days, updated_at = now()`,
      [tenantId, kind, days],
    );
  }

  /** Inserts the request; false when one of the principal and kind is already open (the caller joins it). */
  async insert({ tx, tenantId }: TenantScope, r: NewRightsRequest): Promise<boolean> {
    const rows = await tx.execute<{ id: string }[]>(
      `insert into compliance.rights_requests (id, tenant_id, kind, customer_id, status, details_enc, received_at,
         verified_at, due_at, filed_by_type, filed_by_id)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing returning id`,
      [
        r.id,
        tenantId,
        r.kind,
        r.customerId,
        r.status,
        r.detailsEnc,
        r.receivedAt,
        r.verifiedAt,
        r.dueAt,
        r.filedBy.type,
        r.filedBy.id,
      ],
    );
    return rows.length > 0;
  }

  async findOpen(
    { tx, tenantId }: TenantScope,
    customerId: string,
    kind: RightsRequestKind,
  ): Promise<RightsRequestRow | null> {
    const rows = await tx.execute<RightsRequestRow[]>(
      `select ${COLUMNS} from compliance.rights_requests
         where tenant_id = ? and customer_id = ? and kind = ? and ${OPEN}`,
      [tenantId, customerId, kind],
    );
    return rows[0] ?? null;
  }

  async find({ tx, tenantId }: TenantScope, id: string, forUpdate = false): Promise<RightsRequestRow | null> {
    const rows = await tx.execute<RightsRequestRow[]>(
      `select ${COLUMNS} from compliance.rights_requests where tenant_id = ? and id = ?` +
        (forUpdate ? ' for update' : ''),
      [tenantId, id],
    );
    return rows[0] ?? null;
  }

  /** Newest first; `overdue`: open and past due at `now`; `before`: a keyset cursor. */
  async list(
    { tx, tenantId }: TenantScope,
    q: {
      customerId?: string;
      status?: RightsRequestStatus;
      overdue?: boolean;
      now: Date;
      before?: { at: Date; id: string };
      limit: number;
    },
  ): Promise<RightsRequestRow[]> {
    const where = ['tenant_id = ?'];
    const params: unknown[] = [tenantId];
    if (q.customerId) {
      where.push('customer_id = ?');
      params.push(q.customerId);
    }
    if (q.status) {
      where.push('status = ?');
      params.push(q.status);
    }
    if (q.overdue === true) {
      where.push(`${OPEN} and due_at < ?`);
      params.push(q.now);
    } else if (q.overdue === false) {
      where.push(`not (${OPEN} and due_at < ?)`);
      params.push(q.now);
    }
    if (q.before) {
      where.push('(received_at, id) < (?, ?)');
      params.push(q.before.at, q.before.id);
    }
    return tx.execute<RightsRequestRow[]>(
      `select ${COLUMNS} from compliance.rights_requests where ${where.join(' and ')}
         order by received_at desc, id desc limit ${q.limit}`,
      params,
    );
  }

  async setStatus(
    { tx, tenantId }: TenantScope,
    id: string,
    change: {
      status: RightsRequestStatus;
      completedAt?: Date;
      rejectedAt?: Date;
      rejectionEnc?: Buffer | null;
      noteEnc?: Buffer | null;
    },
  ): Promise<void> {
    await tx.execute(
      `update compliance.rights_requests set status = ?, completed_at = coalesce(?, completed_at),
         rejected_at = coalesce(?, rejected_at), rejection_enc = coalesce(?, rejection_enc),
         note_enc = coalesce(?, note_enc)
       where tenant_id = ? and id = ?`,
      [
        change.status,
        change.completedAt ?? null,
        change.rejectedAt ?? null,
        change.rejectionEnc ?? null,
        change.noteEnc ?? null,
        tenantId,
        id,
      ],
    );
  }

  /** One part per service, due at once: the relay asks each service for it until it answers. */
  async addParts(
    { tx, tenantId }: TenantScope,
    request: { id: string; kind: RightsRequestKind; customerId: string },
    services: readonly RightsService[],
    at: Date,
  ): Promise<void> {
    for (const service of services)
      await tx.execute(
        `insert into compliance.rights_parts (request_id, service, tenant_id, kind, customer_id, next_send_at)
           values (?, ?, ?, ?, ?, ?) on conflict do nothing`,
        [request.id, service, tenantId, request.kind, request.customerId, at],
      );
  }

  async parts({ tx, tenantId }: TenantScope, requestIds: string[]): Promise<RightsPartRow[]> {
    if (!requestIds.length) return [];
    return tx.execute<RightsPartRow[]>(
      `select p.request_id, p.service, p.answered_at, p.part_enc from compliance.rights_parts p
         join compliance.rights_requests r on r.id = p.request_id and r.kind = p.kind
         where p.tenant_id = ? and p.request_id in (${requestIds.map(() => '?').join(', ')}) order by p.service`,
      [tenantId, ...requestIds],
    );
  }

  /** Stores a service's part (the first answer counts); true when it was the first. */
  async answer(
    { tx, tenantId }: TenantScope,
    requestId: string,
    service: RightsService,
    partEnc: Buffer,
    at: Date,
  ): Promise<boolean> {
    const rows = await tx.execute<{ service: string }[]>(
      `update compliance.rights_parts set part_enc = ?, answered_at = ?
         where tenant_id = ? and request_id = ? and service = ? and answered_at is null returning service`,
      [partEnc, at, tenantId, requestId, service],
    );
    return rows.length > 0;
  }

  /** How many parts of the request are still unanswered. */
  async waiting({ tx, tenantId }: TenantScope, requestId: string): Promise<number> {
    const rows = await tx.execute<{ n: string | number }[]>(
      `select count(*) as n from compliance.rights_parts
         where tenant_id = ? and request_id = ? and answered_at is null`,
      [tenantId, requestId],
    );
    return Number(rows[0]?.n ?? 0);
  }
}
