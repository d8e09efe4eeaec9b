import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { Rpc, loginHistoryQuerySchema, revocationsQuerySchema } from '@lekha/contracts';
import { RpcExecutor, type BusContext } from '@lekha/runtime';
import { LogoutUseCase } from './use-cases/logout.use-case.js';
import { ListSessionsUseCase } from './use-cases/list-sessions.use-case.js';
import { RevokeOtherSessionsUseCase } from './use-cases/revoke-other-sessions.use-case.js';
import { ListRevocationsUseCase } from './use-cases/list-revocations.use-case.js';
import { GetLoginHistoryUseCase } from '../security/use-cases/get-login-history.use-case.js';

const current = z.strictObject({ currentSessionId: z.uuid() });
const revoke = z.strictObject({ sessionId: z.uuid() });

@Controller()
export class SessionsController {
  constructor(
    private readonly rpc: RpcExecutor,
    private readonly list: ListSessionsUseCase,
    private readonly logout: LogoutUseCase,
    private readonly revokeOthers: RevokeOtherSessionsUseCase,
    private readonly revocations: ListRevocationsUseCase,
    private readonly loginHistory: GetLoginHistoryUseCase,
  ) {}

  @MessagePattern(Rpc.identity.listSessions)
  onList(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, current, payload, (input, ctx) => this.list.execute(ctx, input.currentSessionId));
  }

  @MessagePattern(Rpc.identity.revokeSession)
  onRevoke(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, revoke, payload, (input, ctx) => this.logout.execute(ctx, input.sessionId, 'revoke'));
  }

  @MessagePattern(Rpc.identity.revokeOtherSessions)
  onRevokeOthers(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, current, payload, (input, ctx) =>
      this.revokeOthers.execute(ctx, input.currentSessionId),
    );
  }

  @MessagePattern(Rpc.identity.revocations)
  onRevocations(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, revocationsQuerySchema, payload ?? {}, (input) =>
      this.revocations.execute(input.sinceMs),
    );
  }

  @MessagePattern(Rpc.identity.loginHistory)
  onLoginHistory(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, loginHistoryQuerySchema, payload ?? {}, (input, ctx) =>
      this.loginHistory.execute(ctx, input),
    );
  }
}
