import { Module } from '@nestjs/common';
import { InvoiceClock } from './invoice-clock.js';
import { InvoiceIssuer } from './invoice-issuer.js';
import { InvoiceRepository } from './invoice.repository.js';
import { InvoiceSeriesRepository } from './invoice-series.repository.js';
import { PlatformSupplier } from './platform-supplier.js';
import { IssueCreditNoteUseCase } from './use-cases/issue-credit-note.use-case.js';
import { GetInvoiceUseCase } from './use-cases/get-invoice.use-case.js';
import { IssueInvoiceUseCase } from './use-cases/issue-invoice.use-case.js';
import { ListInvoicesUseCase } from './use-cases/list-invoices.use-case.js';
import { RenderInvoiceUseCase } from './use-cases/render-invoice.use-case.js';

/** The platform's GST invoices to tenants: Rule 46 series, immutable storage, credit notes by reversal. */
@Module({
  providers: [
    InvoiceSeriesRepository,
    InvoiceRepository,
    InvoiceIssuer,
    PlatformSupplier,
    ListInvoicesUseCase,
    GetInvoiceUseCase,
    IssueInvoiceUseCase,
    RenderInvoiceUseCase,
    IssueCreditNoteUseCase,
    InvoiceClock,
  ],
  exports: [InvoiceRepository, InvoiceIssuer, PlatformSupplier, InvoiceClock, InvoiceSeriesRepository],
})
export class InvoicesModule {}
