import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { Rpc, mfaConfirmSchema, mfaDisableSchema, mfaEnrollSchema, mfaVerifySchema } from '@lekha/contracts';
import { RpcExecutor, type BusContext } from '@lekha/runtime';
import { EnrollTotpUseCase } from './use-cases/enroll-totp.use-case.js';
import { ConfirmTotpUseCase } from './use-cases/confirm-totp.use-case.js';
import { DisableTotpUseCase } from './use-cases/disable-totp.use-case.js';
import { VerifyMfaUseCase } from './use-cases/verify-mfa.use-case.js';

/** TOTP second factor: enrol, confirm, disable, and the second step of a sign-in. */
@Controller()
export class MfaController {
  constructor(
    private readonly rpc: RpcExecutor,
    private readonly enroll: EnrollTotpUseCase,
    private readonly confirm: ConfirmTotpUseCase,
    private readonly disable: DisableTotpUseCase,
    private readonly verify: VerifyMfaUseCase,
  ) {}

  @MessagePattern(Rpc.identity.mfaEnroll)
  onEnroll(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, mfaEnrollSchema, payload, (input, ctx) => this.enroll.execute(ctx, input));
  }

  @MessagePattern(Rpc.identity.mfaConfirm)
  onConfirm(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, mfaConfirmSchema, payload, (input, ctx) => this.confirm.execute(ctx, input));
  }

  @MessagePattern(Rpc.identity.mfaDisable)
  onDisable(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, mfaDisableSchema, payload, (input, ctx) => this.disable.execute(ctx, input));
  }

  @MessagePattern(Rpc.identity.mfaVerify)
  onVerify(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, mfaVerifySchema, payload, (input) => this.verify.execute(input));
  }
}
