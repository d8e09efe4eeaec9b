import { Inject, type Type } from '@nestjs/common';
import type { AnyOperation } from '@lekha/contracts';
import { RpcExecutor } from '../rpc-executor.js';
import { Handles, type OperationScope } from './handles.js';

/** The use case of a service's liveness ping (the gateway reports each service's health with it). */
export function pingHandler(op: AnyOperation, service: string): Type {
  @Handles(op)
  class PingUseCase {
    execute() {
      return { service, at: new Date().toISOString() };
    }
  }
  return PingUseCase;
}

/** Hands the caller's tenant its transit key for this service (see RpcExecutor.transitKeyGrant). */
export function transitKeyHandler(op: AnyOperation): Type {
  @Handles(op)
  class TransitKeyUseCase {
    constructor(@Inject(RpcExecutor) private readonly rpc: RpcExecutor) {}

    execute(scope: OperationScope) {
      return this.rpc.transitKeyGrant(scope.ctx);
    }
  }
  return TransitKeyUseCase;
}
