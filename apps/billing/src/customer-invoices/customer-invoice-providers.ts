import { CustomerInvoiceRepository } from './customer-invoice.repository.js';
import { CustomerInvoicing } from './customer-invoicing.js';
import { CustomerPseudonymiser } from './customer-pseudonymiser.js';
import { RecordPostings } from './record-postings.js';
import { BillingTenantDataFollower } from './tenant-data-events.follower.js';
import { GetCustomerInvoiceUseCase } from './use-cases/get-customer-invoice.use-case.js';
import { IssueCustomerInvoiceUseCase } from './use-cases/issue-customer-invoice.use-case.js';
import { ListCustomerInvoicesUseCase } from './use-cases/list-customer-invoices.use-case.js';
import { PutInvoiceSettingsUseCase } from './use-cases/put-invoice-settings.use-case.js';
import { RecordCustomerPaymentUseCase } from './use-cases/record-customer-payment.use-case.js';
import { RenderCustomerInvoiceUseCase } from './use-cases/render-customer-invoice.use-case.js';

/**
 * Invoices from a tenant to its own customers, posted to its ledger; payments against them; a
 * customer's erasure pseudonymising what the law keeps. Provided in the app module beside the
 * invoices (they share its clock, the erasure module's platform events and the ledger journal).
 */
export const customerInvoiceProviders = [
  CustomerInvoiceRepository,
  CustomerInvoicing,
  CustomerPseudonymiser,
  RecordPostings,
  BillingTenantDataFollower,
  PutInvoiceSettingsUseCase,
  IssueCustomerInvoiceUseCase,
  ListCustomerInvoicesUseCase,
  GetCustomerInvoiceUseCase,
  RenderCustomerInvoiceUseCase,
  RecordCustomerPaymentUseCase,
];
