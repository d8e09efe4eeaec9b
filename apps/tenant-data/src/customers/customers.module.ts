import { Module } from '@nestjs/common';
import { CustomersController } from './customers.controller.js';
import { CustomerRepository } from './customer.repository.js';
import { CustomerAccess } from './customer-access.js';
import { CreateCustomerUseCase } from './use-cases/create-customer.use-case.js';
import { GetCustomerUseCase } from './use-cases/get-customer.use-case.js';
import { ListCustomersUseCase } from './use-cases/list-customers.use-case.js';

@Module({
  controllers: [CustomersController],
  providers: [CustomerRepository, CustomerAccess, CreateCustomerUseCase, GetCustomerUseCase, ListCustomersUseCase],
})
export class CustomersModule {}
