import 'reflect-metadata';
import { Injectable, type Type } from '@nestjs/common';
import type { AnyOperation, AuditDescriptor, OpRequest, OpResponse } from '@lekha/contracts';
import type { RequestContext } from '@lekha/tenancy';

const HANDLES = 'lekha:handles';

/**
 * What every use case receives first: the verified caller and the operation being served, whose
 * permission the runner has already checked and whose audit descriptor the data gate records.
 */
export interface OperationScope<O extends AnyOperation = AnyOperation> {
  readonly ctx: RequestContext;
  readonly op: O;
  readonly audit: AuditDescriptor;
}

/** The one use-case signature: `execute(scope, input)` for the operation the class handles. */
export interface UseCase<O extends AnyOperation> {
  execute(scope: OperationScope<O>, input: OpRequest<O>): Promise<OpResponse<O>> | OpResponse<O>;
}

/**
 * Binds a use case to the operation it serves (and makes it injectable). The service's
 * OperationRegistry finds it at start; there is no handler to write.
 */
export function Handles(op: AnyOperation): ClassDecorator {
  return (target) => {
    Reflect.defineMetadata(HANDLES, op, target);
    Injectable()(target);
  };
}

/** The operation a class handles, if it is a use case bound with `@Handles`. */
export function handledOperation(target: unknown): AnyOperation | undefined {
  if (typeof target !== 'function') return undefined;
  return Reflect.getOwnMetadata(HANDLES, target) as AnyOperation | undefined;
}

export type UseCaseClass = Type<UseCase<AnyOperation>>;
