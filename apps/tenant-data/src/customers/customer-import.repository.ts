import { Injectable } from '@nestjs/common';
import type { CreateCustomerRequest } from '@lekha/contracts';
import type { TenantScope } from '@lekha/access';

export interface StagedRow {
  row: number;
  customer: CreateCustomerRequest;
}

const AAD = 'customer_import';
/** A staged import nobody committed within this time is dropped at the tenant's next import. */
const STALE_AFTER = '1 hour';

/**
 * Staged chunks of CSV imports: validated rows, encrypted under the tenant's data key (so erasing
 * the tenant's key shreds them too), kept only until the commit or a discard.
 */
@Injectable()
export class CustomerImportRepository {
  async stage(
    { tx, tenantId, cipher }: TenantScope,
    importId: string,
    chunk: number,
    rows: StagedRow[],
  ): Promise<void> {
    await tx.execute(
      `delete from tenant_data.customer_import_chunks where tenant_id = ? and created_at < now() - interval ` +
        `'${STALE_AFTER}'`,
      [tenantId],
    );
    // A retried chunk replaces the earlier copy.
    await tx.execute(
      'delete from tenant_data.customer_import_chunks where tenant_id = ? and import_id = ? and chunk = ?',
      [tenantId, importId, chunk],
    );
    await tx.execute(
      'insert into tenant_data.customer_import_chunks (tenant_id, import_id, chunk, row_count, payload_enc) ' +
        'values (?, ?, ?, ?, ?)',
      [tenantId, importId, chunk, rows.length, cipher.encrypt(AAD, JSON.stringify(rows))],
    );
  }

  /** Every staged chunk of an import, in order. */
  async load({ tx, tenantId, cipher }: TenantScope, importId: string): Promise<{ chunk: number; rows: StagedRow[] }[]> {
    const found = await tx.execute<{ chunk: number; payload_enc: Uint8Array }[]>(
      'select chunk, payload_enc from tenant_data.customer_import_chunks where tenant_id = ? and import_id = ' +
        '? order by chunk',
      [tenantId, importId],
    );
    return found.map((r) => ({
      chunk: Number(r.chunk),
      rows: JSON.parse(cipher.decrypt(AAD, r.payload_enc)!) as StagedRow[],
    }));
  }

  async discard({ tx, tenantId }: TenantScope, importId: string): Promise<void> {
    await tx.execute('delete from tenant_data.customer_import_chunks where tenant_id = ? and import_id = ?', [
      tenantId,
      importId,
    ]);
  }
}
