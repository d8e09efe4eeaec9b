import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { Rpc, rotateTenantKeySchema } from '@lekha/contracts';
import { RpcExecutor, type BusContext } from '@lekha/runtime';
import { RotateTenantKeyUseCase } from './use-cases/rotate-tenant-key.use-case.js';
import { TenantKeyStatusUseCase } from './use-cases/tenant-key-status.use-case.js';

@Controller()
export class KeysController {
  constructor(
    private readonly rpc: RpcExecutor,
    private readonly rotateKey: RotateTenantKeyUseCase,
    private readonly keyStatus: TenantKeyStatusUseCase,
  ) {}

  @MessagePattern(Rpc.tenantData.rotateKeys)
  rotate(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, rotateTenantKeySchema, payload, (_input, ctx) => this.rotateKey.execute(ctx));
  }

  @MessagePattern(Rpc.tenantData.keyStatus)
  status(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, rotateTenantKeySchema, payload, (_input, ctx) => this.keyStatus.execute(ctx));
  }
}
