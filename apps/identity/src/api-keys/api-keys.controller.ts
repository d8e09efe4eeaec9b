import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { Rpc, apiKeyIdParamSchema, createApiKeySchema, exchangeApiKeySchema } from '@lekha/contracts';
import { RpcExecutor, type BusContext } from '@lekha/runtime';
import { CreateApiKeyUseCase } from './use-cases/create-api-key.use-case.js';
import { ListApiKeysUseCase } from './use-cases/list-api-keys.use-case.js';
import { RevokeApiKeyUseCase } from './use-cases/revoke-api-key.use-case.js';
import { ExchangeApiKeyUseCase } from './use-cases/exchange-api-key.use-case.js';

const empty = z.object({}).passthrough();

@Controller()
export class ApiKeysController {
  constructor(
    private readonly rpc: RpcExecutor,
    private readonly create: CreateApiKeyUseCase,
    private readonly list: ListApiKeysUseCase,
    private readonly revoke: RevokeApiKeyUseCase,
    private readonly exchange: ExchangeApiKeyUseCase,
  ) {}

  @MessagePattern(Rpc.identity.createApiKey)
  onCreate(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, createApiKeySchema, payload, (input, ctx) => this.create.execute(ctx, input));
  }

  @MessagePattern(Rpc.identity.listApiKeys)
  onList(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, empty, payload ?? {}, (_input, ctx) => this.list.execute(ctx));
  }

  @MessagePattern(Rpc.identity.revokeApiKey)
  onRevoke(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, apiKeyIdParamSchema, payload, (input, ctx) => this.revoke.execute(ctx, input.id));
  }

  @MessagePattern(Rpc.identity.exchangeApiKey)
  onExchange(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, exchangeApiKeySchema, payload, (input) => this.exchange.execute(input.key));
  }
}
