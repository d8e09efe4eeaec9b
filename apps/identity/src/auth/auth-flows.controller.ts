import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import {
  Rpc,
  otpRequestSchema,
  otpVerifySchema,
  passwordResetConfirmSchema,
  passwordResetRequestSchema,
} from '@lekha/contracts';
import { RpcExecutor, type BusContext } from '@lekha/runtime';
import { RequestOtpUseCase } from './use-cases/request-otp.use-case.js';
import { VerifyOtpUseCase } from './use-cases/verify-otp.use-case.js';
import { RequestPasswordResetUseCase } from './use-cases/request-password-reset.use-case.js';
import { ConfirmPasswordResetUseCase } from './use-cases/confirm-password-reset.use-case.js';

/** Phone OTP sign-in and password reset: both deliver a secret through notifications. */
@Controller()
export class AuthFlowsController {
  constructor(
    private readonly rpc: RpcExecutor,
    private readonly requestOtp: RequestOtpUseCase,
    private readonly verifyOtp: VerifyOtpUseCase,
    private readonly requestReset: RequestPasswordResetUseCase,
    private readonly confirmReset: ConfirmPasswordResetUseCase,
  ) {}

  @MessagePattern(Rpc.identity.otpRequest)
  onOtpRequest(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, otpRequestSchema, payload, (input) => this.requestOtp.execute(input));
  }

  @MessagePattern(Rpc.identity.otpVerify)
  onOtpVerify(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, otpVerifySchema, payload, (input) => this.verifyOtp.execute(input));
  }

  @MessagePattern(Rpc.identity.passwordResetRequest)
  onResetRequest(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, passwordResetRequestSchema, payload, (input) => this.requestReset.execute(input));
  }

  @MessagePattern(Rpc.identity.passwordResetConfirm)
  onResetConfirm(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, passwordResetConfirmSchema, payload, (input) => this.confirmReset.execute(input));
  }
}
