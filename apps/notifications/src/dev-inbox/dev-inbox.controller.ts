import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { Rpc, devInboxQuerySchema } from '@lekha/contracts';
import { RpcExecutor, type BusContext } from '@lekha/runtime';
import { ReadDevInboxUseCase } from './read-dev-inbox.use-case.js';

/** Development and test only: the dispatch module registers it only outside production. */
@Controller()
export class DevInboxController {
  constructor(
    private readonly rpc: RpcExecutor,
    private readonly read: ReadDevInboxUseCase,
  ) {}

  @MessagePattern(Rpc.notifications.devInbox)
  onList(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
    return this.rpc.run(kafka, devInboxQuerySchema, payload, (input) => this.read.execute(input.to));
  }
}
