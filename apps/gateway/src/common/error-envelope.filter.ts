import { randomUUID } from 'node:crypto';
import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { DomainError, httpStatusOf, type ErrorBody, type ErrorCode } from '@lekha/contracts';

function codeForStatus(status: number, message: string): ErrorCode {
  if (status === 400) return /json/i.test(message) ? 'MALFORMED_JSON' : 'VALIDATION_FAILED';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 404) return 'ROUTE_NOT_FOUND';
  if (status === 405) return 'ROUTE_NOT_FOUND';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  if (status === 429) return 'RATE_LIMITED';
  if (status === 503) return 'SERVICE_UNAVAILABLE';
  if (status >= 400 && status < 500) return 'VALIDATION_FAILED';
  return 'INTERNAL';
}

/** Every error leaves as `{ error: { code, message, details? } }` with its proper status; 500s get an error ID. */
@Catch()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    let status: number;
    let body: ErrorBody;
    if (exception instanceof DomainError) {
      status = httpStatusOf(exception.code);
      body = exception.toBody();
    } else if (exception instanceof HttpException) {
      status = exception.getStatus();
      const raw = exception.getResponse();
      const message =
        typeof raw === 'string' ? raw : String((raw as { message?: unknown }).message ?? exception.message);
      const code = codeForStatus(status, `${message} ${(exception.cause as Error | undefined)?.message ?? ''}`);
      body = {
        code,
        message:
          code === 'MALFORMED_JSON'
            ? 'the request body is not valid JSON'
            : code === 'ROUTE_NOT_FOUND'
              ? 'no such route'
              : code === 'PAYLOAD_TOO_LARGE'
                ? 'the request body is too large'
                : message,
      };
    } else {
      status = 500;
      const errorId = randomUUID();
      this.logger.error(
        { errorId, err: { message: (exception as Error)?.message, stack: (exception as Error)?.stack } },
        'unhandled error',
      );
      body = { code: 'INTERNAL', message: `internal error (id ${errorId})` };
    }
    if (res.headersSent) return;
    res.status(status).json({ error: body });
  }
}
