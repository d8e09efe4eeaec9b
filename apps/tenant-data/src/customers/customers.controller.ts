import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import {
  Rpc,
  createCustomerSchema,
  customerIdSchema,
  listCustomersSchema,
  updateCustomerSchema,
} from '@lekha/contracts';
import { RpcExecutor, type BusContext } from '@lekha/runtime';
import { CreateCustomerUseCase } from './use-cases/create-customer.use-case.js';
import { GetCustomerUseCase } from './use-cases/get-customer.use-case.js';
import { ListCustomersUseCase } from './use-cases/list-customers.use-case.js';
import { UpdateCustomerUseCase } from './use-cases/update-customer.use-case.js';
import { DeleteCustomerUseCase } from './use-cases/delete-customer.use-case.js';
import { GetCustomerHistoryUseCase } from './use-cases/get-customer-history.use-case.js';
import { GetCustomerDataMapUseCase } from './use-cases/get-customer-data-map.use-case.js';

@Controller()
export class CustomersController {
  constructor(
    private readonly rpc: RpcExecutor,
    private readonly createCustomer: CreateCustomerUseCase,
    private readonly getCustomer: GetCustomerUseCase,
    private readonly listCustomers: ListCustomersUseCase,
    private readonly updateCustomer: UpdateCustomerUseCase,
    private readonly deleteCustomer: DeleteCustomerUseCase,
    private readonly customerHistory: GetCustomerHistoryUseCase,
    private readonly dataMap: GetCustomerDataMapUseCase,
  ) {}

  @MessagePattern(Rpc.tenantData.createCustomer)
  create(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, createCustomerSchema, payload, (input, ctx) => this.createCustomer.execute(ctx, input));
  }

  @MessagePattern(Rpc.tenantData.getCustomer)
  get(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, customerIdSchema, payload, (input, ctx) => this.getCustomer.execute(ctx, input.id));
  }

  @MessagePattern(Rpc.tenantData.listCustomers)
  list(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, listCustomersSchema, payload, (input, ctx) => this.listCustomers.execute(ctx, input));
  }

  @MessagePattern(Rpc.tenantData.updateCustomer)
  update(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, updateCustomerSchema, payload, (input, ctx) => this.updateCustomer.execute(ctx, input));
  }

  @MessagePattern(Rpc.tenantData.deleteCustomer)
  delete(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, customerIdSchema, payload, (input, ctx) => this.deleteCustomer.execute(ctx, input.id));
  }

  @MessagePattern(Rpc.tenantData.customerHistory)
  history(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, customerIdSchema, payload, (input, ctx) => this.customerHistory.execute(ctx, input.id));
  }

  @MessagePattern(Rpc.tenantData.customerDataMap)
  map(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, z.object({}), payload, async () => this.dataMap.execute());
  }
}
