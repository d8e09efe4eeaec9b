import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import type { DeletionCertificate, RightsErasureState, RightsRequestKind, RightsService } from '@lekha/contracts';
import type { Em } from '@lekha/persistence';

type Ts = Date | string;

export interface ErasureRow {
  request_id: string;
  phase: RightsErasureState['phase'];
  residue: RightsErasureState['residue'];
  retained: RightsErasureState['retained'];
  certificate_id: string | null;
  certificate: DeletionCertificate | null;
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
      `select request_id, phase, residue, retained, certificate_id, certificate from compliance.rights_erasures
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
  ): Promise<{ consents: number; requests: number; documents: number }> {
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
    };
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
    ? { phase: row.phase, residue: row.residue, retained: row.retained, certificateId: row.certificate_id }
    : null;
}
