import { Controller, Inject, Module, type DynamicModule, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { ALL_OPERATIONS, type AnyOperation } from '@lekha/contracts';
import { OPERATION_RUNNER_OPTIONS, OperationRunner, type TransportContext } from './operation-runner.js';
import { OperationRegistry, SERVICE_OPERATIONS, type ServiceOperations } from './operation-registry.js';

export interface OperationsModuleOptions {
  service: string;
  /** The service's environment: outside production every reply is checked against its response schema. */
  env: 'development' | 'test' | 'production';
  /** The operations it serves (default: every declared operation of the service). */
  operations?: readonly AnyOperation[];
}

/**
 * One message handler per operation, registered the standard Nest way (a `@MessagePattern` per
 * operation name), so any transport that dispatches through Nest's handler table serves them.
 */
export function operationsController(operations: readonly AnyOperation[]): Type {
  @Controller()
  class OperationsController {
    constructor(@Inject(OperationRunner) readonly runner: OperationRunner) {}
  }
  const proto = OperationsController.prototype as unknown as Record<string, unknown>;
  operations.forEach((op, i) => {
    const key = `op${i}`;
    proto[key] = function (this: OperationsController, payload: unknown, transport: TransportContext) {
      return this.runner.serve(op, payload, transport);
    };
    const descriptor = Object.getOwnPropertyDescriptor(proto, key)!;
    Reflect.defineMetadata('design:paramtypes', [Object, Object], proto, key);
    Payload()(proto, key, 0);
    Ctx()(proto, key, 1);
    MessagePattern(op.name)(proto, key, descriptor);
  });
  return OperationsController;
}

/** The operations a service serves: its registry, its runner and its message handlers. */
@Module({})
export class OperationsModule {
  static forService(options: OperationsModuleOptions): DynamicModule {
    const operations = options.operations ?? ALL_OPERATIONS.filter((op) => op.service === options.service);
    const declared: ServiceOperations = { service: options.service, operations };
    return {
      module: OperationsModule,
      global: true,
      imports: [DiscoveryModule],
      controllers: [operationsController(operations)],
      providers: [
        { provide: SERVICE_OPERATIONS, useValue: declared },
        { provide: OPERATION_RUNNER_OPTIONS, useValue: { validateReplies: options.env !== 'production' } },
        OperationRegistry,
        OperationRunner,
      ],
      exports: [OperationRunner, OperationRegistry],
    };
  }
}
