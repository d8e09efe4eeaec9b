import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { Rpc, auditQuerySchema } from '@lekha/contracts';
import { RpcExecutor, type BusContext } from '@lekha/runtime';
import { QueryAuditUseCase } from './use-cases/query-audit.use-case.js';
import { AuditStatusUseCase } from './use-cases/audit-status.use-case.js';
import { GetAuditNetworkKeyUseCase } from './use-cases/get-audit-network-key.use-case.js';
import { z } from 'zod';

@Controller()
export class AuditIndexController {
  constructor(
    private readonly rpc: RpcExecutor,
    private readonly queryAudit: QueryAuditUseCase,
    private readonly auditStatus: AuditStatusUseCase,
    private readonly networkKey: GetAuditNetworkKeyUseCase,
  ) {}

  @MessagePattern(Rpc.compliance.auditNetworkKey)
  auditNetworkKey(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, z.object({}).passthrough(), payload ?? {}, (_input, ctx) =>
      this.networkKey.execute(ctx),
    );
  }

  @MessagePattern(Rpc.compliance.auditStatus)
  status(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, z.object({}).passthrough(), payload ?? {}, (_input, ctx) =>
      this.auditStatus.execute(ctx),
    );
  }

  @MessagePattern(Rpc.compliance.queryAudit)
  query(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, auditQuerySchema, payload, (input, ctx) => this.queryAudit.execute(ctx, input));
  }
}
