import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { Rpc, eraseTenantSchema, tenantErasureStatusQuerySchema } from '@lekha/contracts';
import { RpcExecutor, type BusContext } from '@lekha/runtime';
import { EraseTenantUseCase } from './use-cases/erase-tenant.use-case.js';
import { TenantErasureStatusUseCase } from './use-cases/tenant-erasure-status.use-case.js';

@Controller()
export class TenantsController {
  constructor(
    private readonly rpc: RpcExecutor,
    private readonly erase: EraseTenantUseCase,
    private readonly erasureStatus: TenantErasureStatusUseCase,
  ) {}

  @MessagePattern(Rpc.identity.eraseTenant)
  onErase(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, eraseTenantSchema, payload, (input, ctx) => this.erase.execute(ctx, input));
  }

  @MessagePattern(Rpc.identity.tenantErasureStatus)
  onStatus(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, tenantErasureStatusQuerySchema, payload, (input, ctx) =>
      this.erasureStatus.execute(ctx, input.tenantId),
    );
  }
}
