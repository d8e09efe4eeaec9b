import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { Rpc, createPlatformUserSchema, resetPlatformUserSchema } from '@lekha/contracts';
import { RpcExecutor, type BusContext } from '@lekha/runtime';
import { CreatePlatformUserUseCase } from './use-cases/create-platform-user.use-case.js';
import { ListPlatformUsersUseCase } from './use-cases/list-platform-users.use-case.js';
import { DeactivatePlatformUserUseCase } from './use-cases/deactivate-platform-user.use-case.js';
import { RotateSigningKeyUseCase } from './use-cases/rotate-signing-key.use-case.js';
import { ResetPlatformUserUseCase } from './use-cases/reset-platform-user.use-case.js';

const deactivate = z.strictObject({ userId: z.uuid() });
// The body's refinement (something to reset) is checked by the gateway; here the shape again.
const reset = z.strictObject({ userId: z.uuid(), reset: resetPlatformUserSchema });
const empty = z.object({}).passthrough();

@Controller()
export class PlatformUsersController {
  constructor(
    private readonly rpc: RpcExecutor,
    private readonly create: CreatePlatformUserUseCase,
    private readonly list: ListPlatformUsersUseCase,
    private readonly deactivate: DeactivatePlatformUserUseCase,
    private readonly rotate: RotateSigningKeyUseCase,
    private readonly reset: ResetPlatformUserUseCase,
  ) {}

  @MessagePattern(Rpc.identity.createPlatformUser)
  onCreate(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, createPlatformUserSchema, payload, (input, ctx) => this.create.execute(ctx, input));
  }

  @MessagePattern(Rpc.identity.listPlatformUsers)
  onList(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, empty, payload ?? {}, (_input, ctx) => this.list.execute(ctx));
  }

  @MessagePattern(Rpc.identity.deactivatePlatformUser)
  onDeactivate(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, deactivate, payload, (input, ctx) => this.deactivate.execute(ctx, input.userId));
  }

  @MessagePattern(Rpc.identity.resetPlatformUser)
  onReset(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, reset, payload, (input, ctx) => this.reset.execute(ctx, input.userId, input.reset));
  }

  @MessagePattern(Rpc.identity.rotateSigningKey)
  onRotate(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, empty, payload ?? {}, (_input, ctx) => this.rotate.execute(ctx));
  }
}
