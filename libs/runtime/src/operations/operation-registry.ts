import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { AnyOperation } from '@lekha/contracts';
import { handledOperation, type UseCase } from './handles.js';

export const SERVICE_OPERATIONS = Symbol('SERVICE_OPERATIONS');

/** The operations a service serves, with the name of the service. */
export interface ServiceOperations {
  service: string;
  operations: readonly AnyOperation[];
}

/** Raised at start when the operations a service declares and the use cases it holds do not match one to one. */
export class OperationBindingError extends Error {
  override readonly name = 'OperationBindingError';
}

/**
 * Finds every `@Handles` use case of the service at start and refuses to start when an operation
 * of the service has no use case, or two, or a use case handles another service's operation.
 */
@Injectable()
export class OperationRegistry implements OnModuleInit {
  private readonly handlers = new Map<string, UseCase<AnyOperation>>();

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(SERVICE_OPERATIONS) private readonly declared: ServiceOperations,
  ) {}

  onModuleInit(): void {
    const found = new Map<string, { op: AnyOperation; instances: UseCase<AnyOperation>[] }>();
    for (const wrapper of this.discovery.getProviders()) {
      const op = handledOperation(wrapper.metatype);
      if (!op || !wrapper.instance) continue;
      const entry = found.get(op.name) ?? { op, instances: [] };
      if (!entry.instances.includes(wrapper.instance as UseCase<AnyOperation>))
        entry.instances.push(wrapper.instance as UseCase<AnyOperation>);
      found.set(op.name, entry);
    }
    const problems: string[] = [];
    for (const op of this.declared.operations) {
      const entry = found.get(op.name);
      if (!entry) problems.push(`${op.name} has no use case (a class with @Handles(...) in a module's providers)`);
      else if (entry.instances.length > 1) problems.push(`${op.name} has ${entry.instances.length} use cases`);
      else this.handlers.set(op.name, entry.instances[0]!);
    }
    for (const [name, { op }] of found)
      if (op.service !== this.declared.service)
        problems.push(`${name} belongs to ${op.service}, not ${this.declared.service}`);
      else if (!this.declared.operations.some((o) => o.name === name)) problems.push(`${name} is not declared`);
    if (problems.length)
      throw new OperationBindingError(`${this.declared.service} cannot serve its operations: ${problems.join('; ')}`);
  }

  /** The use case bound to an operation (known once the module has started). */
  handlerOf(op: AnyOperation): UseCase<AnyOperation> {
    const handler = this.handlers.get(op.name);
    if (!handler) throw new OperationBindingError(`no use case handles ${op.name}`);
    return handler;
  }
}
