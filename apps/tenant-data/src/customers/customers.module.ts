import { Module } from '@nestjs/common';
import { CustomersController } from './customers.controller.js';
import { CustomerRepository } from './customer.repository.js';
import { CreateCustomerUseCase } from './use-cases/create-customer.use-case.js';
import { GetCustomerUseCase } from './use-cases/get-customer.use-case.js';
import { ListCustomersUseCase } from './use-cases/list-customers.use-case.js';
import { UpdateCustomerUseCase } from './use-cases/update-customer.use-case.js';
import { DeleteCustomerUseCase } from './use-cases/delete-customer.use-case.js';
import { GetCustomerHistoryUseCase } from './use-cases/get-customer-history.use-case.js';
import { GetCustomerDataMapUseCase } from './use-cases/get-customer-data-map.use-case.js';

@Module({
  controllers: [CustomersController],
  providers: [
    CustomerRepository,
    CreateCustomerUseCase,
    GetCustomerUseCase,
    ListCustomersUseCase,
    UpdateCustomerUseCase,
    DeleteCustomerUseCase,
    GetCustomerHistoryUseCase,
    GetCustomerDataMapUseCase,
  ],
  exports: [CustomerRepository],
})
export class CustomersModule {}
