import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { Rpc, loginRequestSchema, refreshRequestSchema, signupRequestSchema } from '@lekha/contracts';
import { RpcExecutor, type BusContext } from '@lekha/runtime';
import { SignupUseCase } from './use-cases/signup.use-case.js';
import { LoginUseCase } from './use-cases/login.use-case.js';
import { RefreshUseCase } from './use-cases/refresh.use-case.js';
import { LogoutUseCase } from '../sessions/use-cases/logout.use-case.js';
import { GetMeUseCase } from './use-cases/get-me.use-case.js';
import { TokenSigner } from '../signing/token-signer.js';

const logoutSchema = z.strictObject({ sessionId: z.uuid() });
const empty = z.object({}).passthrough();

@Controller()
export class AuthController {
  constructor(
    private readonly rpc: RpcExecutor,
    private readonly signup: SignupUseCase,
    private readonly login: LoginUseCase,
    private readonly refresh: RefreshUseCase,
    private readonly logout: LogoutUseCase,
    private readonly me: GetMeUseCase,
    private readonly signer: TokenSigner,
  ) {}

  @MessagePattern(Rpc.identity.signup)
  onSignup(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, signupRequestSchema, payload, (input) => this.signup.execute(input));
  }

  @MessagePattern(Rpc.identity.login)
  onLogin(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, loginRequestSchema, payload, (input) => this.login.execute(input));
  }

  @MessagePattern(Rpc.identity.refresh)
  onRefresh(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, refreshRequestSchema, payload, (input) => this.refresh.execute(input.refreshToken));
  }

  @MessagePattern(Rpc.identity.logout)
  onLogout(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, logoutSchema, payload, (input, ctx) =>
      this.logout.execute(ctx, input.sessionId, 'logout'),
    );
  }

  @MessagePattern(Rpc.identity.me)
  onMe(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, empty, payload ?? {}, (_input, ctx) => this.me.execute(ctx));
  }

  @MessagePattern(Rpc.identity.jwks)
  onJwks(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, empty, payload ?? {}, () => this.signer.jwks());
  }
}
