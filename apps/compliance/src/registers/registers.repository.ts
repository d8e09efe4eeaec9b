import { Injectable } from '@nestjs/common';
import { pgArray, type Em } from '@lekha/persistence';

type Ts = Date | string;
export const iso = (v: Ts) => new Date(v).toISOString();
export const isoOrNull = (v: Ts | null) => (v === null ? null : iso(v));
const list = (n: number) => Array.from({ length: n }, () => '?').join(', ');
/** A text[] or uuid[] column as PostgreSQL writes it (an array literal), whatever the driver hands back. */
const arr = (v: string[] | string | null): string[] => {
  if (v === null) return [];
  if (Array.isArray(v)) return v;
  const inner = v.replace(/^\{|\}$/g, '');
  return inner ? inner.split(',').map((s) => s.replace(/^"|"$/g, '')) : [];
};

export interface Actor {
  type: string;
  id: string | null;
}

export interface LegalRequestRow {
  id: string;
  authority_name: string;
  authority_type: string;
  instrument_type: string;
  instrument_reference: string;
  tenant_id: string;
  customer_ids: string[];
  categories: string[];
  received_at: Ts;
  bar_reason: string | null;
  bar_until: Ts | null;
  recorded_by_type: string;
  recorded_by_id: string | null;
  created_at: Ts;
  decision: string | null;
  decided_at: Ts | null;
  disclosed_customer_ids: string[] | null;
  disclosed_categories: string[] | null;
  disclosed_note: string | null;
}

export interface NewLegalRequest {
  id: string;
  authorityName: string;
  authorityType: string;
  instrumentType: string;
  instrumentReference: string;
  tenantId: string;
  customerIds: string[];
  categories: string[];
  receivedAt: Date;
  bar: { reason: string; until: Date } | null;
  by: Actor;
  createdAt: Date;
}

export interface NewDecision {
  requestId: string;
  decision: string;
  decidedAt: Date;
  disclosed: { customerIds: string[]; categories: string[]; note: string } | null;
  by: Actor;
  at: Date;
}

export interface NoticeRow {
  id: string;
  source_type: 'legal_request' | 'incident' | 'support_request' | 'privacy_notice';
  source_id: string;
  tenant_id: string;
  recipient_type: 'tenant_owner' | 'customer' | 'principal';
  customer_id: string | null;
  consent_id: string | null;
  due_at: Ts;
  sent_at: Ts | null;
  error: string | null;
  delivery_status: string | null;
  delivery_at: Ts | null;
}

export interface NewNotice {
  id: string;
  sourceType: 'legal_request' | 'incident' | 'support_request' | 'privacy_notice';
  sourceId: string;
  tenantId: string;
  recipientType: 'tenant_owner' | 'customer' | 'principal';
  customerId: string | null;
  /** A principal known only by their consent's address: the consent whose address the notice goes to. */
  consentId?: string | null;
  dueAt: Date;
  createdAt: Date;
}

export interface IncidentRow {
  id: string;
  detected_at: Ts;
  description: string;
  categories: string[];
  tenant_ids: string[];
  window_from: Ts;
  window_to: Ts;
  involved_type: 'user' | 'api_key' | 'service';
  involved_id: string;
  cert_in: boolean;
  board_intimation_due: Ts;
  board_report_due: Ts;
  cert_in_due: Ts;
  created_at: Ts;
}

export interface NewIncident {
  id: string;
  detectedAt: Date;
  description: string;
  categories: string[];
  tenantIds: string[];
  window: { from: Date; to: Date };
  involved: { type: string; id: string };
  certIn: boolean;
  due: { boardIntimation: Date; boardReport: Date; certIn: Date };
  by: Actor;
  createdAt: Date;
}

export interface IncidentEventRow {
  id: string;
  incident_id: string;
  at: Ts;
  kind: string;
  status: string | null;
  stage: string | null;
  detail: Record<string, unknown> | string;
  by_type: string;
  by_id: string | null;
}

export interface NewIncidentEvent {
  id: string;
  incidentId: string;
  at: Date;
  kind: 'status' | 'stage' | 'notify';
  status?: string;
  stage?: string;
  detail: Record<string, unknown>;
  by: Actor;
}

export interface AffectedRow {
  tenant_id: string;
  customer_id: string;
  accesses: number | string;
  first_at: Ts;
  last_at: Ts;
  categories: string[] | string | null;
}

const LEGAL_COLUMNS = `r.id, r.authority_name, r.authority_type, r.instrument_type, r.instrument_reference, r.tenant_id,
  r.customer_ids, r.categories, r.received_at, r.bar_reason, r.bar_until, r.recorded_by_type, r.recorded_by_id,
  r.created_at, d.decision, d.decided_at, d.disclosed_customer_ids, d.disclosed_categories, d.disclosed_note`;

const NOTICE_COLUMNS = `id, source_type, source_id, tenant_id, recipient_type, customer_id, consent_id, due_at, sent_at,
  error, delivery_status, delivery_at`;

const INCIDENT_COLUMNS = `id, detected_at, description, categories, tenant_ids, window_from, window_to, involved_type,
  involved_id, cert_in, board_intimation_due, board_report_due, cert_in_due, created_at`;

function legalRow(r: LegalRequestRow): LegalRequestRow {
  return {
    ...r,
    customer_ids: arr(r.customer_ids),
    categories: arr(r.categories),
    disclosed_customer_ids: r.disclosed_customer_ids === null ? null : arr(r.disclosed_customer_ids),
    disclosed_categories: r.disclosed_categories === null ? null : arr(r.disclosed_categories),
  };
}

function incidentRow(r: IncidentRow): IncidentRow {
  return { ...r, categories: arr(r.categories), tenant_ids: arr(r.tenant_ids) };
}

/**
 * The registers' rows (platform data: the service's own login, no tenant wall) and the audit index
 * query that derives a breach's affected principals.
 */
@Injectable()
export class RegistersRepository {
  /* ----- law-enforcement requests ----- */

  async insertLegalRequest(tx: Em, r: NewLegalRequest): Promise<void> {
    await tx.execute(
      `insert into compliance.legal_requests (id, authority_name, authority_type, instrument_type,
         instrument_reference, tenant_id, customer_ids, categories, received_at, bar_reason, bar_until,
         recorded_by_type, recorded_by_id, created_at)
       values (?, ?, ?, ?, ?, ?, ?::uuid[], ?::text[], ?, ?, ?, ?, ?, ?)`,
      [
        r.id,
        r.authorityName,
        r.authorityType,
        r.instrumentType,
        r.instrumentReference,
        r.tenantId,
        pgArray(r.customerIds),
        pgArray(r.categories),
        r.receivedAt,
        r.bar?.reason ?? null,
        r.bar?.until ?? null,
        r.by.type,
        r.by.id,
        r.createdAt,
      ],
    );
  }

  /** Records the decision; false when the request has one already (decided once, never edited). */
  async insertDecision(tx: Em, d: NewDecision): Promise<boolean> {
    const rows = await tx.execute<{ request_id: string }[]>(
      `insert into compliance.legal_decisions (request_id, decision, decided_at, disclosed_customer_ids,
         disclosed_categories, disclosed_note, recorded_by_type, recorded_by_id, recorded_at)
       values (?, ?, ?, ?::uuid[], ?::text[], ?, ?, ?, ?)
       on conflict (request_id) do nothing returning request_id`,
      [
        d.requestId,
        d.decision,
        d.decidedAt,
        d.disclosed ? pgArray(d.disclosed.customerIds) : null,
        d.disclosed ? pgArray(d.disclosed.categories) : null,
        d.disclosed?.note ?? null,
        d.by.type,
        d.by.id,
        d.at,
      ],
    );
    return rows.length > 0;
  }

  async findLegalRequest(tx: Em, id: string): Promise<LegalRequestRow | null> {
    const rows = await tx.execute<LegalRequestRow[]>(
      `select ${LEGAL_COLUMNS} from compliance.legal_requests r
         left join compliance.legal_decisions d on d.request_id = r.id where r.id = ?`,
      [id],
    );
    return rows[0] ? legalRow(rows[0]) : null;
  }

  async listLegalRequests(
    tx: Em,
    f: { tenantId?: string; decision?: string; limit: number },
  ): Promise<LegalRequestRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (f.tenantId) {
      where.push('r.tenant_id = ?');
      params.push(f.tenantId);
    }
    if (f.decision) {
      where.push(`coalesce(d.decision, 'pending') = ?`);
      params.push(f.decision);
    }
    const rows = await tx.execute<LegalRequestRow[]>(
      `select ${LEGAL_COLUMNS} from compliance.legal_requests r
         left join compliance.legal_decisions d on d.request_id = r.id
         ${where.length ? `where ${where.join(' and ')}` : ''}
         order by r.received_at desc, r.id desc limit ${Math.min(f.limit, 200)}`,
      params,
    );
    return rows.map(legalRow);
  }

  /** Requests received in [from, to): when, which authority type, which decision (pending until decided). */
  async reportRows(
    tx: Em,
    from: Date,
    to: Date,
  ): Promise<{ received_at: Ts; authority_type: string; decision: string }[]> {
    return tx.execute(
      `select r.received_at, r.authority_type, coalesce(d.decision, 'pending') as decision
         from compliance.legal_requests r left join compliance.legal_decisions d on d.request_id = r.id
         where r.received_at >= ? and r.received_at < ?`,
      [from, to],
    );
  }

  /* ----- notices ----- */

  /** Adds a notice; false when the recipient has one for the source already. */
  async insertNotice(tx: Em, n: NewNotice): Promise<boolean> {
    const rows = await tx.execute<{ id: string }[]>(
      `insert into compliance.register_notices (id, source_type, source_id, tenant_id, recipient_type, customer_id,
         consent_id, due_at, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing returning id`,
      [
        n.id,
        n.sourceType,
        n.sourceId,
        n.tenantId,
        n.recipientType,
        n.customerId,
        n.consentId ?? null,
        n.dueAt,
        n.createdAt,
      ],
    );
    return rows.length > 0;
  }

  async noticesOf(tx: Em, sourceIds: string[]): Promise<NoticeRow[]> {
    if (!sourceIds.length) return [];
    return tx.execute<NoticeRow[]>(
      `select ${NOTICE_COLUMNS} from compliance.register_notices where source_id in (${list(sourceIds.length)})
         order by tenant_id, recipient_type desc, customer_id nulls first`,
      sourceIds,
    );
  }

  /**
   * Due notices not yet handed over, locked for this transaction (several instances never take the
   * same one): of one source when given, else of any.
   */
  /**
   * Breach notices sent to one customer, oldest first, for their access request. The register is the
   * platform's (outside the tenant's row-level security), so this reads on the service's own connection.
   */
  noticesToCustomer(
    em: Em,
    tenantId: string,
    customerId: string,
  ): Promise<
    { source_type: string; created_at: Date | string; sent_at: Date | string | null; delivery_status: string | null }[]
  > {
    return em.execute(
      `select source_type, created_at, sent_at, delivery_status from compliance.register_notices
        where tenant_id = ? and customer_id = ? and recipient_type = 'customer' order by created_at`,
      [tenantId, customerId],
    );
  }

  async claimDue(tx: Em, now: Date, limit: number, sourceId?: string): Promise<NoticeRow[]> {
    return tx.execute<NoticeRow[]>(
      `select ${NOTICE_COLUMNS} from compliance.register_notices
         where sent_at is null and error is null and due_at <= ? ${sourceId ? 'and source_id = ?' : ''}
         order by due_at, id limit ${limit} for update skip locked`,
      sourceId ? [now, sourceId] : [now],
    );
  }

  async markSent(tx: Em, id: string, at: Date): Promise<void> {
    await tx.execute(`update compliance.register_notices set sent_at = ? where id = ?`, [at, id]);
  }

  async markFailed(tx: Em, id: string, error: string): Promise<void> {
    await tx.execute(`update compliance.register_notices set error = ? where id = ?`, [error.slice(0, 300), id]);
  }

  async recordDelivery(tx: Em, id: string, status: string, at: Date): Promise<void> {
    await tx.execute(`update compliance.register_notices set delivery_status = ?, delivery_at = ? where id = ?`, [
      status,
      at,
      id,
    ]);
  }

  /* ----- incidents ----- */

  async insertIncident(tx: Em, i: NewIncident): Promise<void> {
    await tx.execute(
      `insert into compliance.incidents (id, detected_at, description, categories, tenant_ids, window_from, window_to,
         involved_type, involved_id, cert_in, board_intimation_due, board_report_due, cert_in_due, recorded_by_type,
         recorded_by_id, created_at)
       values (?, ?, ?, ?::text[], ?::uuid[], ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        i.id,
        i.detectedAt,
        i.description,
        pgArray(i.categories),
        pgArray(i.tenantIds),
        i.window.from,
        i.window.to,
        i.involved.type,
        i.involved.id,
        i.certIn,
        i.due.boardIntimation,
        i.due.boardReport,
        i.due.certIn,
        i.by.type,
        i.by.id,
        i.createdAt,
      ],
    );
  }

  async findIncident(tx: Em, id: string): Promise<IncidentRow | null> {
    const rows = await tx.execute<IncidentRow[]>(`select ${INCIDENT_COLUMNS} from compliance.incidents where id = ?`, [
      id,
    ]);
    return rows[0] ? incidentRow(rows[0]) : null;
  }

  async listIncidents(tx: Em, limit: number): Promise<IncidentRow[]> {
    const rows = await tx.execute<IncidentRow[]>(
      `select ${INCIDENT_COLUMNS} from compliance.incidents order by detected_at desc, id desc limit ${limit}`,
    );
    return rows.map(incidentRow);
  }

  /** Adds a timeline entry; false when it would repeat a status or a filing the incident has. */
  async insertEvent(tx: Em, e: NewIncidentEvent): Promise<boolean> {
    const rows = await tx.execute<{ id: string }[]>(
      `insert into compliance.incident_events (id, incident_id, at, kind, status, stage, detail, by_type, by_id)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing returning id`,
      [
        e.id,
        e.incidentId,
        e.at,
        e.kind,
        e.status ?? null,
        e.stage ?? null,
        JSON.stringify(e.detail),
        e.by.type,
        e.by.id,
      ],
    );
    return rows.length > 0;
  }

  async eventsOf(tx: Em, incidentIds: string[]): Promise<IncidentEventRow[]> {
    if (!incidentIds.length) return [];
    return tx.execute<IncidentEventRow[]>(
      `select id, incident_id, at, kind, status, stage, detail, by_type, by_id from compliance.incident_events
         where incident_id in (${list(incidentIds.length)}) order by at, id`,
      incidentIds,
    );
  }

  /** The notice text fixed by the first notify (the stored one when there is one). */
  async noticeText(
    tx: Em,
    incidentId: string,
    content: Record<string, string>,
    by: Actor,
    at: Date,
  ): Promise<Record<string, string>> {
    await tx.execute(
      `insert into compliance.incident_notice_texts (incident_id, content, recorded_by_type, recorded_by_id,
         recorded_at) values (?, ?, ?, ?, ?) on conflict (incident_id) do nothing`,
      [incidentId, JSON.stringify(content), by.type, by.id, at],
    );
    const rows = await tx.execute<{ content: Record<string, string> | string }[]>(
      `select content from compliance.incident_notice_texts where incident_id = ?`,
      [incidentId],
    );
    const stored = rows[0]!.content;
    return typeof stored === 'string' ? (JSON.parse(stored) as Record<string, string>) : stored;
  }

  /**
   * The principals an actor or key reached in a window, from the audit index: every allowed access
   * by it to the given tenants' data in [from, to), by customer (subject) ID, with how often, when
   * first and last, and the data categories the accesses named.
   */
  async affected(
    tx: Em,
    q: { tenantIds: string[]; actorType: string; actorId: string; from: Date; to: Date },
  ): Promise<AffectedRow[]> {
    return tx.execute<AffectedRow[]>(
      `select e.tenant_id::text as tenant_id, s.subject_id as customer_id,
              count(distinct e.event_id)::int as accesses, min(e.occurred_at) as first_at,
              max(e.occurred_at) as last_at,
              array_remove(array_agg(distinct f.category), null) as categories
         from compliance.audit_events e
         cross join lateral unnest(e.subject_ids) as s(subject_id)
         left join lateral (
           select x->>'category' as category from jsonb_array_elements(e.payload->'fields') as x
         ) f on true
        where e.tenant_id in (${list(q.tenantIds.length)}) and e.actor_type = ? and e.actor_id = ?
          and e.occurred_at >= ? and e.occurred_at < ? and e.outcome = 'allowed'
          and s.subject_id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        group by e.tenant_id, s.subject_id
        order by e.tenant_id, s.subject_id
        limit 100000`,
      [...q.tenantIds, q.actorType, q.actorId, q.from, q.to],
    );
  }
}

export { arr };
