import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, type KafkaContext } from '@nestjs/microservices';
import { Rpc, createCustomerSchema, customerIdSchema, listCustomersSchema } from '@lekha/contracts';
import { RpcExecutor } from '@lekha/runtime';
import { CreateCustomerUseCase } from './use-cases/create-customer.use-case.js';
import { GetCustomerUseCase } from './use-cases/get-customer.use-case.js';
import { ListCustomersUseCase } from './use-cases/list-customers.use-case.js';

@Controller()
export class CustomersController {
  constructor(
    private readonly rpc: RpcExecutor,
    private readonly createCustomer: CreateCustomerUseCase,
    private readonly getCustomer: GetCustomerUseCase,
    private readonly listCustomers: ListCustomersUseCase,
  ) {}

  @MessagePattern(Rpc.tenantData.createCustomer)
  create(@Payload() payload: unknown, @Ctx() kafka: KafkaContext) {
    return this.rpc.run(kafka, createCustomerSchema, payload, (input, ctx) => this.createCustomer.execute(ctx, input));
  }

  @MessagePattern(Rpc.tenantData.getCustomer)
  get(@Payload() payload: unknown, @Ctx() kafka: KafkaContext) {
    return this.rpc.run(kafka, customerIdSchema, payload, (input, ctx) => this.getCustomer.execute(ctx, input.id));
  }

  @MessagePattern(Rpc.tenantData.listCustomers)
  list(@Payload() payload: unknown, @Ctx() kafka: KafkaContext) {
    return this.rpc.run(kafka, listCustomersSchema, payload, (input, ctx) => this.listCustomers.execute(ctx, input));
  }
}
