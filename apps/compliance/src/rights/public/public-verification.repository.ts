import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import type { PublicVerificationPurpose } from '@lekha/contracts';

export interface VerificationRow {
  id: string;
  purpose: PublicVerificationPurpose;
  customer_id: string | null;
  request_enc: Buffer;
  code_hash: string | null;
  attempts: number;
  created_at: Date;
  expires_at: Date;
  verified_at: Date | null;
  result_id: string | null;
}

export interface NewVerification {
  id: string;
  purpose: PublicVerificationPurpose;
  addressIdx: string;
  ipHash: string | null;
  requestEnc: Buffer;
  createdAt: Date;
  expiresAt: Date;
}

const COLUMNS =
  'id, purpose, customer_id, request_enc, code_hash, attempts, created_at, expires_at, verified_at, result_id';

/** The public route's verifications (one-time codes), in the tenant's transaction. */
@Injectable()
export class PublicVerificationRepository {
  /** Verifications asked since `since` for the address (`by: address`) or from the IP; the oldest first. */
  async since(
    { tx, tenantId }: TenantScope,
    by: { addressIdx: string } | { ipHash: string },
    since: Date,
  ): Promise<{ count: number; oldest: Date | null }> {
    const [column, value] = 'addressIdx' in by ? ['address_idx', by.addressIdx] : ['ip_hash', by.ipHash];
    const [row] = await tx.execute<{ count: string | number; oldest: Date | string | null }[]>(
      `select count(*) as count, min(created_at) as oldest from compliance.rights_verifications
         where tenant_id = ? and ${column} = ? and created_at > ?`,
      [tenantId, value, since],
    );
    return { count: Number(row?.count ?? 0), oldest: row?.oldest ? new Date(row.oldest) : null };
  }

  async insert({ tx, tenantId }: TenantScope, v: NewVerification): Promise<void> {
    await tx.execute(
      `insert into compliance.rights_verifications (id, tenant_id, purpose, address_idx, ip_hash, request_enc,
         created_at, expires_at) values (?, ?, ?, ?, ?, ?, ?, ?)`,
      [v.id, tenantId, v.purpose, v.addressIdx, v.ipHash, v.requestEnc, v.createdAt, v.expiresAt],
    );
  }

  /** Binds the verification to the customer on record and the hash of the code sent to them. */
  async bind({ tx, tenantId }: TenantScope, id: string, customerId: string | null, codeHash: string): Promise<void> {
    await tx.execute(
      `update compliance.rights_verifications set customer_id = ?, code_hash = ? where tenant_id = ? and id = ?`,
      [customerId, codeHash, tenantId, id],
    );
  }

  async find({ tx, tenantId }: TenantScope, id: string, forUpdate = false): Promise<VerificationRow | null> {
    const rows = await tx.execute<VerificationRow[]>(
      `select ${COLUMNS} from compliance.rights_verifications where tenant_id = ? and id = ?` +
        (forUpdate ? ' for update' : ''),
      [tenantId, id],
    );
    const row = rows[0];
    return row ? { ...row, created_at: new Date(row.created_at), expires_at: new Date(row.expires_at) } : null;
  }

  async countAttempt({ tx, tenantId }: TenantScope, id: string): Promise<void> {
    await tx.execute(
      `update compliance.rights_verifications set attempts = attempts + 1 where tenant_id = ? and id = ?`,
      [tenantId, id],
    );
  }

  /** Marks the code used; false when another verification of it got there first. */
  async consume({ tx, tenantId }: TenantScope, id: string, at: Date): Promise<boolean> {
    const rows = await tx.execute<{ id: string }[]>(
      `update compliance.rights_verifications set verified_at = ?, attempts = attempts + 1
         where tenant_id = ? and id = ? and verified_at is null returning id`,
      [at, tenantId, id],
    );
    return rows.length > 0;
  }

  async setResult({ tx, tenantId }: TenantScope, id: string, resultId: string): Promise<void> {
    await tx.execute(`update compliance.rights_verifications set result_id = ? where tenant_id = ? and id = ?`, [
      resultId,
      tenantId,
      id,
    ]);
  }
}

export interface CorrectionRow {
  request_id: string;
  customer_id: string;
  requested_enc: Buffer | null;
  applied_at: Date | null;
  changed: string | null;
}

/** What correction requests ask to change, and what was changed (the request's own row in rights_requests). */
@Injectable()
export class RightsCorrectionRepository {
  /** Records (or, for a request joined again, replaces) the changes a principal asked for. */
  async request({ tx, tenantId }: TenantScope, requestId: string, customerId: string, enc: Buffer): Promise<void> {
    await tx.execute(
      `insert into compliance.rights_corrections (request_id, tenant_id, customer_id, requested_enc)
         values (?, ?, ?, ?)
         on conflict (request_id) do update set requested_enc = excluded.requested_enc
         where compliance.rights_corrections.applied_at is null`,
      [requestId, tenantId, customerId, enc],
    );
  }

  async find({ tx, tenantId }: TenantScope, requestId: string): Promise<CorrectionRow | null> {
    const rows = await tx.execute<CorrectionRow[]>(
      `select request_id, customer_id, requested_enc, applied_at, changed from compliance.rights_corrections
         where tenant_id = ? and request_id = ?`,
      [tenantId, requestId],
    );
    return rows[0] ?? null;
  }

  async applied(
    { tx, tenantId }: TenantScope,
    requestId: string,
    customerId: string,
    changed: string[],
    at: Date,
  ): Promise<void> {
    await tx.execute(
      `insert into compliance.rights_corrections (request_id, tenant_id, customer_id, applied_at, changed)
         values (?, ?, ?, ?, ?)
         on conflict (request_id) do update set applied_at = excluded.applied_at, changed = excluded.changed`,
      [requestId, tenantId, customerId, at, changed.join(',')],
    );
  }
}

/** The principal's read tokens (keyed hashes only) and the wrong tokens tried, per IP, for their limit. */
@Injectable()
export class RightsReadTokenRepository {
  async insert({ tx, tenantId }: TenantScope, tokenHash: string, requestId: string, at: Date): Promise<void> {
    await tx.execute(
      `insert into compliance.rights_read_tokens (token_hash, tenant_id, request_id, created_at) values (?, ?, ?, ?)`,
      [tokenHash, tenantId, requestId, at],
    );
  }

  /** Whether the token reads this request (of this tenant: RLS and the filter both bind it). */
  async reads({ tx, tenantId }: TenantScope, tokenHash: string, requestId: string): Promise<boolean> {
    const rows = await tx.execute<{ request_id: string }[]>(
      `select request_id from compliance.rights_read_tokens where tenant_id = ? and token_hash = ? and request_id = ?`,
      [tenantId, tokenHash, requestId],
    );
    return rows.length > 0;
  }

  async miss({ tx, tenantId }: TenantScope, id: string, ipHash: string | null, at: Date): Promise<void> {
    await tx.execute(`insert into compliance.rights_read_misses (id, tenant_id, ip_hash, at) values (?, ?, ?, ?)`, [
      id,
      tenantId,
      ipHash,
      at,
    ]);
  }

  /** Wrong tokens tried from the IP since `since`; the oldest first. */
  async missesSince(
    { tx, tenantId }: TenantScope,
    ipHash: string,
    since: Date,
  ): Promise<{ count: number; oldest: Date | null }> {
    const [row] = await tx.execute<{ count: string | number; oldest: Date | string | null }[]>(
      `select count(*) as count, min(at) as oldest from compliance.rights_read_misses
         where tenant_id = ? and ip_hash = ? and at > ?`,
      [tenantId, ipHash, since],
    );
    return { count: Number(row?.count ?? 0), oldest: row?.oldest ? new Date(row.oldest) : null };
  }
}
