import { Injectable } from '@nestjs/common';
import {
  SUPPORT_REQUEST_PENDING_DAYS,
  type AuditEventV1,
  type BreakGlassBasis,
  type SupportGrantKind,
  type SupportFeature,
  type SupportRequestStatus,
  type SupportRequestView,
  type SupportScope,
} from '@lekha/contracts';
import type { FieldCipher } from '@lekha/crypto';
import { Database, type Em } from '@lekha/persistence';
import { RegistersRepository, type NoticeRow } from '../registers/registers.repository.js';

type Ts = Date | string;
const iso = (v: Ts) => new Date(v).toISOString();
const isoOrNull = (v: Ts | null) => (v === null ? null : iso(v));

export interface SupportRequestRow {
  id: string;
  tenant_id: string;
  requested_by: string;
  /** Plain only on rows written before reasons were sealed; else null and `reason_enc` holds it. */
  reason: string | null;
  reason_enc: Uint8Array | null;
  access: SupportScope['access'];
  features: string[] | string;
  hours: number;
  kind: SupportGrantKind;
  basis: BreakGlassBasis | null;
  reference: string | null;
  requested_at: Ts;
  status: 'pending' | 'approved' | 'denied';
  decided_by: string | null;
  decided_at: Ts | null;
  approved_at: Ts | null;
  expires_at: Ts | null;
  signature: string | null;
  signature_key_id: string | null;
  revoked_by: string | null;
  revoked_at: Ts | null;
  /** A break-glass grant's bar on the owner's notice: its reason and end. */
  bar_reason: string | null;
  bar_until: Ts | null;
}

/** Sealed-field labels: each value is bound to its field under the tenant's key. */
export const SupportFields = {
  reason: 'support_request.reason',
  note: 'support_request.note',
} as const;

/** The request's reason, opened with the tenant's cipher. */
export function reasonOf(row: SupportRequestRow, cipher: FieldCipher): string {
  return row.reason_enc ? cipher.decrypt(SupportFields.reason, row.reason_enc)! : (row.reason ?? '');
}

/** PGlite may hand a text[] back as its literal. */
function featuresOf(v: string[] | string): SupportFeature[] {
  const list = Array.isArray(v)
    ? v
    : v
        .replace(/^\{|\}$/g, '')
        .split(',')
        .filter(Boolean);
  return list as SupportFeature[];
}

/** When a request nobody decided lapses. */
export function lapsesAt(row: SupportRequestRow): Date {
  return new Date(new Date(row.requested_at).getTime() + SUPPORT_REQUEST_PENDING_DAYS * 86_400_000);
}

/**
 * The request's status now: a pending request expired once it lapses undecided; an approved grant is revoked,
 * or expired once its time is past. No job ends either: both are judged at every read.
 */
export function statusAt(row: SupportRequestRow, now: Date): SupportRequestStatus {
  if (row.status === 'pending') return now.getTime() >= lapsesAt(row).getTime() ? 'expired' : 'pending';
  if (row.status !== 'approved') return row.status;
  if (row.revoked_at) return 'revoked';
  return now.getTime() >= new Date(row.expires_at!).getTime() ? 'expired' : 'approved';
}

export function scopeOf(row: SupportRequestRow): SupportScope {
  return { access: row.access, features: featuresOf(row.features).sort() };
}

export function viewOf(row: SupportRequestRow, now: Date, cipher: FieldCipher): SupportRequestView {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    requestedBy: row.requested_by,
    reason: reasonOf(row, cipher),
    scope: scopeOf(row),
    hours: row.hours,
    kind: row.kind ?? 'consent',
    basis: row.basis,
    reference: row.reference,
    requestedAt: iso(row.requested_at),
    status: statusAt(row, now),
    decidedBy: row.decided_by,
    decidedAt: isoOrNull(row.decided_at),
    approvedAt: isoOrNull(row.approved_at),
    expiresAt: isoOrNull(row.expires_at),
    revokedBy: row.revoked_by,
    revokedAt: isoOrNull(row.revoked_at),
    signature:
      row.signature && row.signature_key_id
        ? { alg: 'Ed25519', keyId: row.signature_key_id, value: row.signature }
        : null,
  };
}

const COLUMNS =
  'id, tenant_id, requested_by, reason, reason_enc, access, features, hours, kind, basis, reference, ' +
  'requested_at, status, decided_by, ' +
  'decided_at, ' +
  'approved_at, expires_at, signature, signature_key_id, revoked_by, revoked_at, bar_reason, bar_until';

/** Support requests and grants; the tenant's own under its wall, by ID with the service's login for the gateway. */
@Injectable()
export class SupportRepository {
  constructor(
    private readonly db: Database,
    private readonly registers: RegistersRepository,
  ) {}

  /** The owner's notices of these grants (the registers' rows), on the service's own login. */
  grantNotices(grantIds: string[]): Promise<NoticeRow[]> {
    return this.registers.noticesOf(this.db.em(), grantIds);
  }

  /** A request or grant by ID on the service's own login, outside any tenant (the gateway's per-request check). */
  findById(id: string): Promise<SupportRequestRow | null> {
    return this.find(this.db.em(), id);
  }

  /** A grant's activity from the audit index, which is the platform's (outside the tenant's wall). */
  grantActivity(tenantId: string, grantId: string): Promise<AuditEventV1[]> {
    return this.activity(this.db.em(), tenantId, grantId);
  }

  async insert(
    tx: Em,
    r: {
      id: string;
      tenantId: string;
      requestedBy: string;
      reasonEnc: Buffer;
      scope: SupportScope;
      hours: number;
      at: Date;
    },
  ): Promise<SupportRequestRow> {
    const rows = await tx.execute<SupportRequestRow[]>(
      `insert into compliance.support_requests (id, tenant_id, requested_by, reason_enc, access, features, hours, ` +
        `requested_at) values (?, ?, ?, ?, ?, ?::text[], ?, ?) returning ${COLUMNS}`,
      [r.id, r.tenantId, r.requestedBy, r.reasonEnc, r.scope.access, `{${r.scope.features.join(',')}}`, r.hours, r.at],
    );
    return rows[0]!;
  }

  /**
   * A break-glass grant (P42): approved at its creation by the one who opened it, signed like every grant; no
   * tenant decision (the owner is told, and may revoke it).
   */
  async insertBreakGlass(
    tx: Em,
    r: {
      id: string;
      tenantId: string;
      openedBy: string;
      reasonEnc: Buffer;
      basis: BreakGlassBasis;
      reference: string;
      scope: SupportScope;
      hours: number;
      at: Date;
      expiresAt: Date;
      signature: string;
      keyId: string;
      bar: { reason: string; until: Date } | null;
    },
  ): Promise<SupportRequestRow> {
    const rows = await tx.execute<SupportRequestRow[]>(
      `insert into compliance.support_requests (id, tenant_id, requested_by, reason_enc, access, features, hours, ` +
        `kind, basis, reference, requested_at, status, decided_by, decided_at, approved_at, expires_at, signature, ` +
        `signature_key_id, bar_reason, bar_until) values (?, ?, ?, ?, ?, ?::text[], ?, 'break_glass', ?, ?, ?, ` +
        `'approved', ?, ?, ?, ?, ?, ?, ?, ?) returning ${COLUMNS}`,
      [
        r.id,
        r.tenantId,
        r.openedBy,
        r.reasonEnc,
        r.scope.access,
        `{${r.scope.features.join(',')}}`,
        r.hours,
        r.basis,
        r.reference,
        r.at,
        r.openedBy,
        r.at,
        r.at,
        r.expiresAt,
        r.signature,
        r.keyId,
        r.bar?.reason ?? null,
        r.bar?.until ?? null,
      ],
    );
    return rows[0]!;
  }

  /** Every break-glass grant of the platform, newest first (the platform's report; the service's login). */
  breakGlassGrants(since: Date | null, limit = 1000): Promise<SupportRequestRow[]> {
    return this.db
      .em()
      .execute<SupportRequestRow[]>(
        `select ${COLUMNS} from compliance.support_requests where kind = 'break_glass' ` +
          `and requested_at >= ? order by requested_at desc, id desc limit ${limit}`,
        [since ?? new Date(0)],
      );
  }

  async find(tx: Em, id: string): Promise<SupportRequestRow | null> {
    const rows = await tx.execute<SupportRequestRow[]>(
      `select ${COLUMNS} from compliance.support_requests where id = ?`,
      [id],
    );
    return rows[0] ?? null;
  }

  async list(tx: Em): Promise<SupportRequestRow[]> {
    return tx.execute<SupportRequestRow[]>(
      `select ${COLUMNS} from compliance.support_requests order by requested_at desc, id desc limit 500`,
    );
  }

  /** Decides a pending request; null when it was decided already (the first decision wins). */
  async decide(
    tx: Em,
    id: string,
    d:
      | { status: 'denied'; by: string; at: Date; noteEnc: Buffer | null }
      | {
          status: 'approved';
          by: string;
          at: Date;
          noteEnc: Buffer | null;
          expiresAt: Date;
          signature: string;
          keyId: string;
        },
  ): Promise<SupportRequestRow | null> {
    const approved = d.status === 'approved';
    const rows = await tx.execute<SupportRequestRow[]>(
      `update compliance.support_requests set status = ?, decided_by = ?, decided_at = ?, note_enc = ?, ` +
        `approved_at = ?, expires_at = ?, signature = ?, signature_key_id = ? ` +
        `where id = ? and status = 'pending' returning ${COLUMNS}`,
      [
        d.status,
        d.by,
        d.at,
        d.noteEnc,
        approved ? d.at : null,
        approved ? d.expiresAt : null,
        approved ? d.signature : null,
        approved ? d.keyId : null,
        id,
      ],
    );
    return rows[0] ?? null;
  }

  /** Revokes an active grant; null when it is not active at `at` (never approved, revoked or expired). */
  async revoke(tx: Em, id: string, by: string, at: Date): Promise<SupportRequestRow | null> {
    const rows = await tx.execute<SupportRequestRow[]>(
      `update compliance.support_requests set revoked_by = ?, revoked_at = ? ` +
        `where id = ? and status = 'approved' and revoked_at is null and expires_at > ? returning ${COLUMNS}`,
      [by, at, id, at],
    );
    return rows[0] ?? null;
  }

  /** The audit trail's events made under a grant in its tenant, newest first. */
  async activity(tx: Em, tenantId: string, grantId: string, limit = 500): Promise<AuditEventV1[]> {
    const rows = await tx.execute<{ payload: AuditEventV1 | string }[]>(
      `select payload from compliance.audit_events where tenant_id = ? and actor_type = 'support' ` +
        `and payload->'actor'->>'grantId' = ? order by occurred_at desc, event_id desc limit ${limit}`,
      [tenantId, grantId],
    );
    return rows.map((r) => (typeof r.payload === 'string' ? (JSON.parse(r.payload) as AuditEventV1) : r.payload));
  }
}
