import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import type { z } from 'zod';
import { DomainError, type RpcResult } from '@lekha/contracts';
import { contextFromHeaders, runWithContext, type RequestContext, type KafkaHeaders } from '@lekha/tenancy';
import { AppLogger } from './app-logger.js';

/**
 * The one way a Kafka handler runs a use case: restores the caller's context from headers,
 * validates the payload, and turns failures into an error result instead of a crash.
 */
@Injectable()
export class RpcExecutor {
  constructor(private readonly logger: AppLogger) {}

  run<S extends z.ZodType, R>(
    kafka: KafkaContext,
    schema: S,
    payload: unknown,
    fn: (input: z.output<S>, ctx: RequestContext) => Promise<R>,
  ): Promise<RpcResult<R>> {
    const ctx = contextFromHeaders(kafka.getMessage().headers as KafkaHeaders);
    return runWithContext(ctx, async (): Promise<RpcResult<R>> => {
      const parsed = schema.safeParse(payload);
      if (!parsed.success) {
        return {
          ok: false,
          error: {
            code: 'VALIDATION_FAILED',
            message: 'request is invalid',
            details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
          },
        };
      }
      try {
        return { ok: true, data: await fn(parsed.data, ctx) };
      } catch (err) {
        if (err instanceof DomainError) return { ok: false, error: { code: err.code, message: err.message, details: err.details } };
        if (isUnavailable(err)) {
          // The database (and with it the audit outbox) cannot be reached: fail closed, retryably.
          this.logger.pino.warn({ error: (err as Error).message }, 'database unavailable; request refused');
          return { ok: false, error: { code: 'SERVICE_UNAVAILABLE', message: 'the service cannot reach its database; retry shortly' } };
        }
        const errorId = randomUUID();
        this.logger.pino.error({ errorId, err: { message: (err as Error).message, stack: (err as Error).stack } }, 'unhandled error in rpc handler');
        return { ok: false, error: { code: 'INTERNAL', message: `internal error (id ${errorId})` } };
      }
    });
  }
}

/** Connection-level failures (PostgreSQL classes 08 and 57P, refused or reset sockets). */
export function isUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (/^08|^57P0[123]$|^53300$|^ECONNREFUSED$|^ECONNRESET$|^ETIMEDOUT$|^EPIPE$/.test(code)) return true;
  return typeof e?.message === 'string' && /Connection terminated|connection (?:refused|reset)|timeout exceeded when trying to connect/i.test(e.message);
}
