import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import {
  CONSENT_APPLIERS,
  uuidv7,
  type DeletionCertificate,
  type RightsErasureState,
  type RightsRequestKind,
  type RightsService,
} from '@lekha/contracts';
import type { Em } from '@lekha/persistence';

type Ts = Date | string;

export interface ErasureRow {
  request_id: string;
  phase: RightsErasureState['phase'];
  residue: RightsErasureState['residue'];
  retained: RightsErasureState['retained'];
  certificate_id: string | null;
  certificate: DeletionCertificate | null;
  retries: number;
}

export interface ErasurePartRow {
  service: RightsService;
  answered_at: Ts | null;
  part_enc: Buffer | null;
}

const json = <T>(v: T | string): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);

/** An erasure request's state: its phase, residue, what was retained, and its signed certificate. */
@Injectable()
export class ErasureRepository {
  async start({ tx, tenantId }: TenantScope, requestId: string, at: Date): Promise<void> {
    await tx.execute(
      `insert into compliance.rights_erasures (request_id, tenant_id, phase, updated_at) values (?, ?, 'erasing', ?)
         on conflict do nothing`,
      [requestId, tenantId, at],
    );
  }

  async find({ tx, tenantId }: TenantScope, requestId: string): Promise<ErasureRow | null> {
    const rows = await tx.execute<ErasureRow[]>(
      `select request_id, phase, residue, retained, certificate_id, certificate, retries from compliance.rights_erasures
         where tenant_id = ? and request_id = ?`,
      [tenantId, requestId],
    );
    const row = rows[0];
    return row
      ? {
          ...row,
          residue: json(row.residue),
          retained: json(row.retained),
          certificate: row.certificate ? json(row.certificate) : null,
        }
      : null;
  }

  async setPhase(
    { tx, tenantId }: TenantScope,
    requestId: string,
    change: {
      phase: RightsErasureState['phase'];
      residue?: RightsErasureState['residue'];
      retained?: RightsErasureState['retained'];
      certificate?: DeletionCertificate;
    },
    at: Date,
  ): Promise<void> {
    await tx.execute(
      `update compliance.rights_erasures set phase = ?, residue = coalesce(?::jsonb, residue),
         retained = coalesce(?::jsonb, retained), certificate_id = coalesce(?::uuid, certificate_id),
         certificate = coalesce(?::jsonb, certificate), updated_at = ?
       where tenant_id = ? and request_id = ?`,
      [
        change.phase,
        change.residue ? JSON.stringify(change.residue) : null,
        change.retained ? JSON.stringify(change.retained) : null,
        change.certificate?.id ?? null,
        change.certificate ? JSON.stringify(change.certificate) : null,
        at,
        tenantId,
        requestId,
      ],
    );
  }

  /**
   * Orders the erasure again from `services` after `backoffMs`: their erasure parts wait for a new answer,
   * and their access-check parts for the check after it (asked once the erasure answers: `openChecks`).
   * The other services' answers stand. Counts the retry.
   */
  async retry(
    { tx, tenantId }: TenantScope,
    requestId: string,
    services: RightsService[],
    at: Date,
    backoffMs: number,
  ): Promise<void> {
    const list = services.map(() => '?').join(', ');
    await tx.execute(
      `update compliance.rights_parts set answered_at = null, next_send_at = ?
         where tenant_id = ? and request_id = ? and kind = 'erasure' and service in (${list})`,
      [new Date(at.getTime() + backoffMs), tenantId, requestId, ...services],
    );
    await tx.execute(
      `update compliance.rights_parts set answered_at = null, part_enc = null, next_send_at = 'infinity'
         where tenant_id = ? and request_id = ? and kind = 'access' and service in (${list})`,
      [tenantId, requestId, ...services],
    );
    await tx.execute(
      `update compliance.rights_erasures set retries = retries + 1, phase = 'erasing', updated_at = ?
         where tenant_id = ? and request_id = ?`,
      [at, tenantId, requestId],
    );
  }

  /** The access-check parts held back by a retry: asked now. */
  async openChecks({ tx, tenantId }: TenantScope, requestId: string, at: Date): Promise<void> {
    await tx.execute(
      `update compliance.rights_parts set next_send_at = ?
         where tenant_id = ? and request_id = ? and kind = 'access' and answered_at is null`,
      [at, tenantId, requestId],
    );
  }

  /** Stores one service's answer for one kind (the first counts); true when it was the first. */
  async answer(
    { tx, tenantId }: TenantScope,
    requestId: string,
    service: RightsService,
    kind: RightsRequestKind,
    partEnc: Buffer,
    at: Date,
  ): Promise<boolean> {
    const rows = await tx.execute<{ service: string }[]>(
      `update compliance.rights_parts set part_enc = ?, answered_at = ?
         where tenant_id = ? and request_id = ? and service = ? and kind = ? and answered_at is null
         returning service`,
      [partEnc, at, tenantId, requestId, service, kind],
    );
    return rows.length > 0;
  }

  async waiting({ tx, tenantId }: TenantScope, requestId: string, kind: RightsRequestKind): Promise<number> {
    const rows = await tx.execute<{ n: string | number }[]>(
      `select count(*) as n from compliance.rights_parts
         where tenant_id = ? and request_id = ? and kind = ? and answered_at is null`,
      [tenantId, requestId, kind],
    );
    return Number(rows[0]?.n ?? 0);
  }

  parts({ tx, tenantId }: TenantScope, requestId: string, kind: RightsRequestKind): Promise<ErasurePartRow[]> {
    return tx.execute<ErasurePartRow[]>(
      `select service, answered_at, part_enc from compliance.rights_parts
         where tenant_id = ? and request_id = ? and kind = ? order by service`,
      [tenantId, requestId, kind],
    );
  }

  /**
   * Compliance's own erasure, in a transaction of the service's own login (the tenant role may not change
   * consent records): each consent record of the principal keeps only the non-personal proof (purpose,
   * grant, notice, channel, times, who recorded it); its address, evidence reference, blind index and
   * customer ID go. What the principal wrote in their rights requests and the documents of their earlier
   * access and export requests are dropped too, with their public-route verifications and the changes a
   * correction asked for. Answers the consent records changed.
   */
  async erasePrincipal(
    tx: Em,
    tenantId: string,
    customerId: string,
    requestId: string,
    at: Date,
  ): Promise<{ consents: number; requests: number; documents: number; erasureActs: number; superseded: number }> {
    const acts = await this.queueConsentErasure(tx, tenantId, customerId, at);
    const consents = await tx.execute<{ id: string }[]>(
      `update compliance.consent_records set address_enc = null, evidence_reference_enc = null, principal_idx = null,
         customer_id = null, erased_at = ?, erased_by = ?
       where tenant_id = ? and customer_id = ? returning id`,
      [at, requestId, tenantId, customerId],
    );
    const requests = await tx.execute<{ id: string }[]>(
      `update compliance.rights_requests set details_enc = null
         where tenant_id = ? and customer_id = ? and details_enc is not null returning id`,
      [tenantId, customerId],
    );
    const documents = await tx.execute<{ request_id: string }[]>(
      `update compliance.rights_parts set part_enc = null
         where tenant_id = ? and customer_id = ? and request_id <> ? and kind in ('access', 'export')
           and part_enc is not null returning request_id`,
      [tenantId, customerId, requestId],
    );
    // The public route's verifications of this principal (a blind index of their address, the request as
    // they typed it) and the changes they asked a correction to make.
    const verifications = await tx.execute<{ id: string }[]>(
      `delete from compliance.rights_verifications where tenant_id = ? and customer_id = ? returning id`,
      [tenantId, customerId],
    );
    await tx.execute(
      `update compliance.rights_corrections set requested_enc = null
         where tenant_id = ? and customer_id = ? and requested_enc is not null`,
      [tenantId, customerId],
    );
    return {
      consents: consents.length,
      requests: requests.length + verifications.length,
      documents: documents.length,
      ...acts,
    };
  }

  /**
   * Before the principal's consent records lose their address: one erasure act per address and grant, queued
   * for every consent view with what the relay needs once the record has no address (the address, still
   * encrypted under the tenant's key, the grant, the time). Each record names its act. The records' own
   * given and withdrawn acts still waiting in the outbox are superseded: the erasure act is queued after
   * them (a higher `seq`) and carries the final state, so their rows are deleted rather than sent.
   */
  private async queueConsentErasure(
    tx: Em,
    tenantId: string,
    customerId: string,
    at: Date,
  ): Promise<{ erasureActs: number; superseded: number }> {
    const records = await tx.execute<
      { id: string; principal_idx: string; grants: string; withdrawal_id: string | null }[]
    >(
      `select r.id, r.principal_idx, r.grants, w.id as withdrawal_id
         from compliance.consent_records r left join compliance.consent_withdrawals w on w.record_id = r.id
         where r.tenant_id = ? and r.customer_id = ? and r.address_enc is not null order by r.given_at`,
      [tenantId, customerId],
    );
    const groups = new Map<string, typeof records>();
    for (const r of records) {
      const key = `${r.principal_idx} ${r.grants}`;
      groups.set(key, [...(groups.get(key) ?? []), r]);
    }
    for (const group of groups.values()) {
      const actId = uuidv7();
      const ids = group.map((r) => r.id);
      await tx.execute(
        `update compliance.consent_records set erasure_act_id = ?
           where tenant_id = ? and id in (${ids.map(() => '?').join(', ')})`,
        [actId, tenantId, ...ids],
      );
      for (const service of CONSENT_APPLIERS)
        await tx.execute(
          `insert into compliance.consent_outbox (act_id, service, tenant_id, next_send_at, address_enc, grants,
             changed_at) select ?, ?, tenant_id, ?, address_enc, grants, ? from compliance.consent_records
           where tenant_id = ? and id = ?`,
          [actId, service, at, at, tenantId, group[0]!.id],
        );
    }
    const earlier = records.flatMap((r) => (r.withdrawal_id ? [r.id, r.withdrawal_id] : [r.id]));
    const superseded = earlier.length
      ? await tx.execute<{ act_id: string }[]>(
          `delete from compliance.consent_outbox
             where tenant_id = ? and act_id in (${earlier.map(() => '?').join(', ')}) returning act_id`,
          [tenantId, ...earlier],
        )
      : [];
    return { erasureActs: groups.size, superseded: superseded.length };
  }
}

/** An erasure request's state as the API shows it (null for another kind). */
export async function erasureState(
  repo: ErasureRepository,
  data: TenantScope,
  requestId: string,
): Promise<RightsErasureState | null> {
  const row = await repo.find(data, requestId);
  return row
    ? {
        phase: row.phase,
        residue: row.residue,
        retained: row.retained,
        certificateId: row.certificate_id,
        retries: row.retries,
      }
    : null;
}
