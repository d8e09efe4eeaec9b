import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, type KafkaContext } from '@nestjs/microservices';
import { Rpc, auditQuerySchema } from '@lekha/contracts';
import { RpcExecutor } from '@lekha/runtime';
import { QueryAuditUseCase } from './use-cases/query-audit.use-case.js';

@Controller()
export class AuditIndexController {
  constructor(
    private readonly rpc: RpcExecutor,
    private readonly queryAudit: QueryAuditUseCase,
  ) {}

  @MessagePattern(Rpc.compliance.queryAudit)
  query(@Payload() payload: unknown, @Ctx() kafka: KafkaContext) {
    return this.rpc.run(kafka, auditQuerySchema, payload, (input, ctx) => this.queryAudit.execute(ctx, input));
  }
}
