import { Injectable } from '@nestjs/common';
import type { Em } from '@lekha/persistence';

export interface SeriesKey {
  supplierGstin: string;
  prefix: string;
  /** `2026-27`. */
  fy: string;
}

/**
 * Rule 46 series counters: consecutive, unique within the financial year, no gaps. The next number
 * is taken inside the caller's transaction (the one that writes the invoice): the row lock queues
 * concurrent issuers, and a rollback returns the number with everything else.
 */
@Injectable()
export class InvoiceSeriesRepository {
  async next(tx: Em, key: SeriesKey): Promise<number> {
    const rows = await tx.execute<{ last_number: number }[]>(
      `insert into billing.invoice_series (supplier_gstin, prefix, fy, last_number) values (?, ?, ?, 1)
       on conflict (supplier_gstin, prefix, fy)
       do update set last_number = billing.invoice_series.last_number + 1
       returning last_number`,
      [key.supplierGstin, key.prefix, key.fy],
    );
    return Number(rows[0]!.last_number);
  }

  async last(tx: Em, key: SeriesKey): Promise<number> {
    const rows = await tx.execute<{ last_number: number }[]>(
      'select last_number from billing.invoice_series where supplier_gstin = ? and prefix = ? and fy = ?',
      [key.supplierGstin, key.prefix, key.fy],
    );
    return rows[0] ? Number(rows[0].last_number) : 0;
  }
}
