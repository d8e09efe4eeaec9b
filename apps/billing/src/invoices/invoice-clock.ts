import { Injectable } from '@nestjs/common';

/**
 * Billing's clock for issuing invoices and credit notes: the issue date, and so the financial year
 * whose series numbers the document, is taken from it (tests may set it to 31 March or 1 April).
 */
@Injectable()
export class InvoiceClock {
  now(): Date {
    return new Date();
  }
}
