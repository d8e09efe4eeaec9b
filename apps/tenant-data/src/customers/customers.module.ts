import { Module } from '@nestjs/common';
import { CustomerLimit } from './customer-limit.js';
import { CustomerRepository } from './customer.repository.js';
import { CreateCustomerUseCase } from './use-cases/create-customer.use-case.js';
import { GetCustomerUseCase } from './use-cases/get-customer.use-case.js';
import { GetNoticeContactUseCase } from './use-cases/get-notice-contact.use-case.js';
import { FindPrincipalUseCase } from './use-cases/find-principal.use-case.js';
import { GetCustomerContactUseCase } from './use-cases/get-customer-contact.use-case.js';
import { ListCustomersUseCase } from './use-cases/list-customers.use-case.js';
import { UpdateCustomerUseCase } from './use-cases/update-customer.use-case.js';
import { DeleteCustomerUseCase } from './use-cases/delete-customer.use-case.js';
import { GetCustomerHistoryUseCase } from './use-cases/get-customer-history.use-case.js';
import { GetCustomerDataMapUseCase } from './use-cases/get-customer-data-map.use-case.js';
import { CustomerImportRepository } from './customer-import.repository.js';
import { StageCustomerImportUseCase } from './use-cases/stage-customer-import.use-case.js';
import { CommitCustomerImportUseCase } from './use-cases/commit-customer-import.use-case.js';
import { DiscardCustomerImportUseCase } from './use-cases/discard-customer-import.use-case.js';
import { ExportCustomersUseCase } from './use-cases/export-customers.use-case.js';
import { BusLegalHolds, LegalHolds } from '../legal-holds/legal-holds.js';
import { CustomerErasure } from './customer-erasure.js';

@Module({
  providers: [
    CustomerRepository,
    CustomerErasure,
    CustomerLimit,
    { provide: LegalHolds, useClass: BusLegalHolds },
    CreateCustomerUseCase,
    GetCustomerUseCase,
    GetCustomerContactUseCase,
    GetNoticeContactUseCase,
    FindPrincipalUseCase,
    ListCustomersUseCase,
    UpdateCustomerUseCase,
    DeleteCustomerUseCase,
    GetCustomerHistoryUseCase,
    GetCustomerDataMapUseCase,
    CustomerImportRepository,
    StageCustomerImportUseCase,
    CommitCustomerImportUseCase,
    DiscardCustomerImportUseCase,
    ExportCustomersUseCase,
  ],
  exports: [CustomerRepository],
})
export class CustomersModule {}
