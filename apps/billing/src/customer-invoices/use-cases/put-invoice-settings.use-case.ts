import { TenantAccess } from '@lekha/access';
import { CustomerInvoiceOps, type OpRequest } from '@lekha/contracts';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { checkParty } from '../../invoices/gst.js';
import { financialYearOf } from '../../invoices/financial-year.js';
import { checkPrefix } from '../../invoices/serial.js';
import { CustomerInvoiceRepository } from '../customer-invoice.repository.js';
import { supplierOf } from '../customer-invoicing.js';

type Op = typeof CustomerInvoiceOps.putSettings;

/** Sets the tenant's supplier details for invoicing its customers (checked: GSTIN, state, prefix). */
@Handles(CustomerInvoiceOps.putSettings)
export class PutInvoiceSettingsUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly invoices: CustomerInvoiceRepository,
  ) {}

  execute(scope: OperationScope<Op>, q: OpRequest<Op>) {
    checkParty(supplierOf(q), 'settings', false);
    checkPrefix(q.prefix, financialYearOf(new Date()));
    return this.access.run(scope, async (data) => {
      await this.invoices.putSettings(data, q);
      await data.record({ resource: { id: null } });
      return q;
    });
  }
}
