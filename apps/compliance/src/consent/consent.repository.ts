import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import {
  DEFAULT_CONSENT_PURPOSES,
  type ConsentApplier,
  type ConsentChannel,
  type ConsentGrant,
  type ConsentPurposeView,
} from '@lekha/contracts';

type Ts = Date | string;
const iso = (v: Ts) => new Date(v).toISOString();
const isoOrNull = (v: Ts | null) => (v === null ? null : iso(v));

export interface ConsentRecordRow {
  id: string;
  customer_id: string | null;
  /** Null once the principal's data was erased (the record stays as a non-personal proof). */
  principal_idx: string | null;
  address_enc: Buffer | null;
  purpose: string;
  grants: ConsentGrant;
  notice_version: string;
  notice_language: string;
  channel: ConsentChannel;
  given_at: Ts;
  expires_at: Ts | null;
  recorded_by_type: string;
  recorded_by_id: string | null;
  evidence_method: string;
  evidence_reference_enc: Buffer | null;
  withdrawal_id: string | null;
  withdrawn_at: Ts | null;
  withdrawal_channel: ConsentChannel | null;
  withdrawal_method: string | null;
  withdrawn_by_type: string | null;
  withdrawn_by_id: string | null;
  /** The act that told the consent views the principal was erased (null until then). */
  erasure_act_id: string | null;
}

export interface NewConsentRecord {
  id: string;
  customerId: string | null;
  principalIdx: string;
  addressEnc: Buffer;
  purpose: string;
  grants: ConsentGrant;
  noticeVersion: string;
  noticeLanguage: string;
  channel: ConsentChannel;
  givenAt: Date;
  expiresAt: Date | null;
  recordedBy: { type: string; id: string | null };
  evidenceMethod: string;
  evidenceReferenceEnc: Buffer | null;
}

export interface NewWithdrawal {
  id: string;
  recordId: string;
  at: Date;
  channel: ConsentChannel;
  method: string | null;
  recordedBy: { type: string; id: string | null };
}

export interface Application {
  actId: string;
  service: string;
  appliedAt: string;
}

const RECORD_COLUMNS = `r.id, r.customer_id, r.principal_idx, r.address_enc, r.purpose, r.grants, r.notice_version,
  r.notice_language, r.channel, r.given_at, r.expires_at, r.recorded_by_type, r.recorded_by_id, r.evidence_method,
  r.evidence_reference_enc, w.id as withdrawal_id, w.withdrawn_at, w.channel as withdrawal_channel,
  w.method as withdrawal_method, w.recorded_by_type as withdrawn_by_type, w.recorded_by_id as withdrawn_by_id,
  r.erasure_act_id`;

/** The tenant's consent purposes, records (as given), withdrawals, and where each act was applied. */
@Injectable()
export class ConsentRepository {
  /** The tenant's purposes: its own, and the defaults it has not replaced. */
  async purposes({ tx, tenantId }: TenantScope): Promise<ConsentPurposeView[]> {
    const own = await tx.execute<{ key: string; label: string; grants: ConsentGrant }[]>(
      `select key, label, grants from compliance.consent_purposes where tenant_id = ? order by key`,
      [tenantId],
    );
    const keys = new Set(own.map((p) => p.key));
    return [...DEFAULT_CONSENT_PURPOSES.filter((p) => !keys.has(p.key)), ...own]
      .map((p) => ({ key: p.key, label: p.label, grants: p.grants }))
      .sort((a, b) => a.key.localeCompare(b.key));
  }

  async putPurpose({ tx, tenantId }: TenantScope, p: ConsentPurposeView): Promise<void> {
    await tx.execute(
      `insert into compliance.consent_purposes (tenant_id, key, label, grants) values (?, ?, ?, ?)
         on conflict (tenant_id, key) do update
           set label = excluded.label, grants = excluded.grants, updated_at = now()`,
      [tenantId, p.key, p.label, p.grants],
    );
  }

  async insertRecord({ tx, tenantId }: TenantScope, r: NewConsentRecord): Promise<void> {
    await tx.execute(
      `insert into compliance.consent_records (id, tenant_id, customer_id, principal_idx, address_enc, purpose, grants,
         notice_version, notice_language, channel, given_at, expires_at, recorded_by_type, recorded_by_id,
         evidence_method, evidence_reference_enc)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        r.id,
        tenantId,
        r.customerId,
        r.principalIdx,
        r.addressEnc,
        r.purpose,
        r.grants,
        r.noticeVersion,
        r.noticeLanguage,
        r.channel,
        r.givenAt,
        r.expiresAt,
        r.recordedBy.type,
        r.recordedBy.id,
        r.evidenceMethod,
        r.evidenceReferenceEnc,
      ],
    );
  }

  /** Adds the record's withdrawal; false when it has one already (a concurrent withdrawal won). */
  async insertWithdrawal({ tx, tenantId }: TenantScope, w: NewWithdrawal): Promise<boolean> {
    const rows = await tx.execute<{ id: string }[]>(
      `insert into compliance.consent_withdrawals (id, record_id, tenant_id, withdrawn_at, channel, method,
         recorded_by_type, recorded_by_id) values (?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (record_id) do nothing returning id`,
      [w.id, w.recordId, tenantId, w.at, w.channel, w.method, w.recordedBy.type, w.recordedBy.id],
    );
    return rows.length > 0;
  }

  /**
   * Queues an act (a record given, a withdrawal) for every service that keeps a consent view, due at
   * `at` — the service clock's now, the same clock the relay reads.
   */
  async enqueue(
    { tx, tenantId }: TenantScope,
    actId: string,
    services: readonly ConsentApplier[],
    at: Date,
  ): Promise<void> {
    for (const service of services)
      await tx.execute(
        `insert into compliance.consent_outbox (act_id, service, tenant_id, next_send_at) values (?, ?, ?, ?)`,
        [actId, service, tenantId, at],
      );
  }

  async find({ tx, tenantId }: TenantScope, id: string): Promise<ConsentRecordRow | null> {
    const rows = await tx.execute<ConsentRecordRow[]>(
      `select ${RECORD_COLUMNS} from compliance.consent_records r
         left join compliance.consent_withdrawals w on w.record_id = r.id
         where r.tenant_id = ? and r.id = ?`,
      [tenantId, id],
    );
    return rows[0] ?? null;
  }

  /** The record a withdrawal belongs to (the act the relay publishes). */
  async findByAct({ tx, tenantId }: TenantScope, actId: string): Promise<ConsentRecordRow | null> {
    const rows = await tx.execute<ConsentRecordRow[]>(
      `select ${RECORD_COLUMNS} from compliance.consent_records r
         left join compliance.consent_withdrawals w on w.record_id = r.id
         where r.tenant_id = ? and (r.id = ? or w.id = ?)`,
      [tenantId, actId, actId],
    );
    return rows[0] ?? null;
  }

  /** A principal's records, newest first, by customer or by the blind index of the address. */
  async list(
    { tx, tenantId }: TenantScope,
    by: { customerId?: string; principalIdx?: string; purpose?: string; grants?: ConsentGrant },
  ): Promise<ConsentRecordRow[]> {
    const where = ['r.tenant_id = ?'];
    const params: unknown[] = [tenantId];
    const filters: [string, string | undefined][] = [
      ['r.customer_id', by.customerId],
      ['r.principal_idx', by.principalIdx],
      ['r.purpose', by.purpose],
      ['r.grants', by.grants],
    ];
    for (const [column, value] of filters)
      if (value !== undefined) {
        where.push(`${column} = ?`);
        params.push(value);
      }
    return tx.execute<ConsentRecordRow[]>(
      `select ${RECORD_COLUMNS} from compliance.consent_records r
         left join compliance.consent_withdrawals w on w.record_id = r.id
         where ${where.join(' and ')} order by r.given_at desc, r.id desc limit 500`,
      params,
    );
  }

  async applications({ tx, tenantId }: TenantScope, actIds: string[]): Promise<Application[]> {
    if (!actIds.length) return [];
    const rows = await tx.execute<{ act_id: string; service: string; applied_at: Ts }[]>(
      `select act_id, service, applied_at from compliance.consent_applied
         where tenant_id = ? and act_id in (${actIds.map(() => '?').join(', ')})`,
      [tenantId, ...actIds],
    );
    return rows.map((r) => ({ actId: r.act_id, service: r.service, appliedAt: iso(r.applied_at) }));
  }

  /** Records that a service applied an act (the first confirmation counts; repeats change nothing). */
  async markApplied({ tx, tenantId }: TenantScope, actId: string, service: string, at: Date): Promise<void> {
    await tx.execute(
      `insert into compliance.consent_applied (tenant_id, act_id, service, applied_at) values (?, ?, ?, ?)
         on conflict (act_id, service) do nothing`,
      [tenantId, actId, service, at],
    );
  }
}

export { iso, isoOrNull };
