import { Inject, Injectable, Optional } from '@nestjs/common';
import { AuditOutbox } from '@lekha/audit';
import {
  AccessError,
  DomainError,
  FeatureError,
  accessPermissions,
  type AnyOperation,
  type OpInput,
  type OpRequest,
  type OpResponse,
} from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { contextHasPermission, runWithContext, type RequestContext } from '@lekha/tenancy';
import { RpcExecutor } from '../rpc-executor.js';
import { OperationRegistry } from './operation-registry.js';
import { operationScope } from './handles.js';

export const OPERATION_RUNNER_OPTIONS = Symbol('OPERATION_RUNNER_OPTIONS');

export interface OperationRunnerOptions {
  /** Check every reply against the operation's response schema (development and tests, never production). */
  validateReplies: boolean;
}

/** The transport context a bus handler receives (whatever the transport passes as `@Ctx()`). */
export type TransportContext = Parameters<RpcExecutor['run']>[0];

/**
 * Serves an operation: inside RpcExecutor (sealing, token, replay), validates the request with the
 * operation's schema, checks the operation's access (a refusal is audited as denied before the
 * 403), hands the bound use case a scope carrying the caller and the operation's audit descriptor,
 * and outside production checks the reply against the response schema.
 */
@Injectable()
export class OperationRunner {
  constructor(
    private readonly registry: OperationRegistry,
    @Inject(OPERATION_RUNNER_OPTIONS) private readonly options: OperationRunnerOptions,
    @Optional() @Inject(RpcExecutor) private readonly rpc?: RpcExecutor,
    @Optional() @Inject(Database) private readonly db?: Database,
    @Optional() @Inject(AuditOutbox) private readonly audit?: AuditOutbox,
  ) {}

  /** A bus request: what the service's message handler for `op` does. */
  serve(op: AnyOperation, payload: unknown, transport: TransportContext) {
    if (!this.rpc) throw new Error('the operation runner serves the bus only with an RpcExecutor');
    return this.rpc.run(transport, op.request, payload ?? {}, (input, ctx) => this.dispatch(op, input, ctx));
  }

  /**
   * In-process, without the bus (use-case tests): validates `input`, then runs the use case as a
   * bus request would, under `ctx`. Refusals are thrown as DomainError.
   */
  async call<O extends AnyOperation>(op: O, input: OpInput<O>, ctx: RequestContext): Promise<OpResponse<O>> {
    const parsed = op.request.safeParse(input);
    if (!parsed.success)
      throw new DomainError(
        'VALIDATION_FAILED',
        'request is invalid',
        parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      );
    return runWithContext(ctx, () => this.dispatch(op, parsed.data as OpRequest<O>, ctx));
  }

  private async dispatch<O extends AnyOperation>(op: O, input: OpRequest<O>, ctx: RequestContext) {
    await this.authorize(op, input, ctx);
    const reply = (await this.registry.handlerOf(op).execute(operationScope(op, ctx), input)) as OpResponse<O>;
    if (this.options.validateReplies) {
      const checked = op.response.safeParse(reply);
      if (!checked.success)
        throw new Error(
          `the reply of ${op.name} does not match its response schema: ` +
            checked.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '),
        );
    }
    return reply;
  }

  /**
   * The operation's access, checked once here: no use case names a permission again. A read-only tenant's
   * writes are refused before they get here, by the gateway's PermissionGuard alone (`whileReadOnly`).
   */
  private async authorize(op: AnyOperation, input: unknown, ctx: RequestContext): Promise<void> {
    if (op.access === 'public') return;
    if (op.access === 'authenticated') {
      if (ctx.actorType !== 'anonymous' && ctx.actorId) return;
      await this.deny(op, input, 'forbidden');
      throw new FeatureError(AccessError.SignInRequired, 'sign in first');
    }
    const permissions = accessPermissions(op.access);
    if (!permissions.some((p) => contextHasPermission(ctx, p))) {
      await this.deny(op, input, 'forbidden');
      throw new FeatureError(
        AccessError.PermissionMissing,
        `this role may not ${permissions[0]!.replaceAll(':', ' ')}`,
      );
    }
    if (op.personOnly && ctx.actorType !== 'user') {
      await this.deny(op, input, 'person_required');
      throw new FeatureError(AccessError.PersonOnly, 'only a signed-in person may do this, never an API key');
    }
  }

  /** A refusal is durable before the caller hears of it; the resource is the requested id when there is one. */
  private async deny(op: AnyOperation, input: unknown, reason: string): Promise<void> {
    if (!this.db || !this.audit) return;
    const field = op.audit.resourceIdField === undefined ? 'id' : op.audit.resourceIdField;
    const id = field === null ? null : (input as Record<string, unknown> | null)?.[field];
    const resource = { type: op.audit.resourceType, id: typeof id === 'string' ? id : null };
    const audit = this.audit;
    await this.db
      .em()
      .transactional((tx) => audit.record(tx, { action: op.audit.action, resource, outcome: 'denied', reason }));
  }
}
