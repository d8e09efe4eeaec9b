import { Controller, Inject, type Type } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { z } from 'zod';
import { RpcExecutor } from './rpc-executor.js';
import type { BusContext } from './bus/bus-context.js';

/** A request/reply liveness check over the bus, so the gateway can report each service's health. */
export function pingController(pattern: string, service: string): Type {
  @Controller()
  class PingController {
    constructor(@Inject(RpcExecutor) private readonly rpc: RpcExecutor) {}

    @MessagePattern(pattern)
    ping(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
      return this.rpc.run(kafka, z.object({}).passthrough(), payload ?? {}, async () => ({
        service,
        at: new Date().toISOString(),
      }));
    }
  }
  return PingController;
}

/** Hands the caller's tenant its transit key for this service (see RpcExecutor.transitKeyGrant). */
export function transitKeyController(pattern: string): Type {
  @Controller()
  class TransitKeyController {
    constructor(@Inject(RpcExecutor) private readonly rpc: RpcExecutor) {}

    @MessagePattern(pattern)
    grant(@Payload() payload: unknown, @Ctx() kafka: BusContext) {
      return this.rpc.run(kafka, z.object({}).strict(), payload ?? {}, (_input, ctx) => this.rpc.transitKeyGrant(ctx));
    }
  }
  return TransitKeyController;
}
