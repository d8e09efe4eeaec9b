import {
  IncidentStatuses,
  type IncidentStatus,
  type IncidentView,
  type LegalRequestView,
  type RegisterNoticeView,
} from '@lekha/contracts';
import {
  iso,
  isoOrNull,
  type IncidentEventRow,
  type IncidentRow,
  type LegalRequestRow,
  type NoticeRow,
} from './registers.repository.js';

export function noticeView(n: NoticeRow, now: Date, barredUntil: Date | null = null): RegisterNoticeView {
  const status = n.sent_at
    ? 'sent'
    : n.error
      ? 'failed'
      : barredUntil && barredUntil.getTime() > now.getTime()
        ? 'barred'
        : 'due';
  return {
    id: n.id,
    recipient: { type: n.recipient_type, tenantId: n.tenant_id, customerId: n.customer_id },
    dueAt: iso(n.due_at),
    status,
    sentAt: isoOrNull(n.sent_at),
    messageId: n.sent_at ? n.id : null,
    delivery: n.delivery_status && n.delivery_at ? { status: n.delivery_status, at: iso(n.delivery_at) } : null,
    error: n.error,
  };
}

export function legalRequestView(r: LegalRequestRow, notice: NoticeRow, now: Date): LegalRequestView {
  const barUntil = r.bar_until ? new Date(r.bar_until) : null;
  return {
    id: r.id,
    authority: { name: r.authority_name, type: r.authority_type as LegalRequestView['authority']['type'] },
    instrument: {
      type: r.instrument_type as LegalRequestView['instrument']['type'],
      reference: r.instrument_reference,
    },
    scope: { tenantId: r.tenant_id, customerIds: r.customer_ids, categories: r.categories },
    receivedAt: iso(r.received_at),
    decision: (r.decision ?? 'pending') as LegalRequestView['decision'],
    decidedAt: isoOrNull(r.decided_at),
    disclosed:
      r.disclosed_note !== null
        ? {
            customerIds: r.disclosed_customer_ids ?? [],
            categories: r.disclosed_categories ?? [],
            note: r.disclosed_note,
          }
        : null,
    bar:
      r.bar_reason && barUntil
        ? { reason: r.bar_reason, until: barUntil.toISOString(), active: barUntil.getTime() > now.getTime() }
        : null,
    notice: noticeView(notice, now, barUntil),
    recordedBy: { type: r.recorded_by_type, id: r.recorded_by_id },
    createdAt: iso(r.created_at),
  };
}

/** The incident's status: the furthest one its timeline reached. */
export function statusOf(events: IncidentEventRow[]): IncidentStatus {
  let at = 0;
  for (const e of events) if (e.status) at = Math.max(at, IncidentStatuses.indexOf(e.status as IncidentStatus));
  return IncidentStatuses[at]!;
}

const detailOf = (d: IncidentEventRow['detail']) =>
  (typeof d === 'string' ? JSON.parse(d) : d) as Record<string, unknown>;

export function incidentView(
  i: IncidentRow,
  events: IncidentEventRow[],
  notices: NoticeRow[],
  now: Date,
): IncidentView {
  const own = events.filter((e) => e.incident_id === i.id);
  const filed = (stage: string) => own.find((e) => e.stage === stage);
  const stage = (name: 'board_intimation' | 'board_report' | 'cert_in', due: Date | string) => {
    const f = filed(name);
    const dueAt = new Date(due);
    const left = Math.round((dueAt.getTime() - now.getTime()) / 1000);
    return {
      stage: name,
      dueAt: dueAt.toISOString(),
      filedAt: f ? iso(detailOf(f.detail).filedAt as string) : null,
      reference: f ? (detailOf(f.detail).reference as string) : null,
      overdue: !f && left < 0,
      secondsLeft: f ? null : left,
    };
  };
  const mine = notices.filter((n) => n.source_id === i.id);
  return {
    id: i.id,
    detectedAt: iso(i.detected_at),
    description: i.description,
    categories: i.categories,
    tenantIds: i.tenant_ids,
    window: { from: iso(i.window_from), to: iso(i.window_to) },
    involved: { type: i.involved_type, id: i.involved_id },
    status: statusOf(own),
    certIn: i.cert_in,
    stages: [
      stage('board_intimation', i.board_intimation_due),
      stage('board_report', i.board_report_due),
      ...(i.cert_in ? [stage('cert_in', i.cert_in_due)] : []),
    ],
    timeline: own.map((e) => ({
      at: iso(e.at),
      kind: e.kind,
      detail: detailOf(e.detail),
      by: { type: e.by_type, id: e.by_id },
    })),
    notified: {
      principals: mine.filter((n) => n.recipient_type === 'customer' && n.sent_at).length,
      tenants: mine.filter((n) => n.recipient_type === 'tenant_owner' && n.sent_at).length,
    },
    createdAt: iso(i.created_at),
  };
}
