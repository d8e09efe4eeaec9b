import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import { currentContext } from '@lekha/tenancy';

/** Keys whose values are personal data or secrets, wherever they appear (up to three levels). */
const SENSITIVE = [
  'password',
  'phone',
  'email',
  'name',
  'address',
  'notes',
  'token',
  'accessToken',
  'refreshToken',
  'authorization',
  'cookie',
  'otp',
  'secret',
  'ip',
  'userAgent',
];
const redactPaths = SENSITIVE.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const ctx = currentContext();
      return ctx ? { requestId: ctx.requestId, traceId: ctx.traceId, tenantId: ctx.tenantId ?? undefined } : {};
    },
  });
}

/** Nest's logger interface over pino: JSON lines carrying request and trace IDs. */
export class JsonLogger implements LoggerService {
  constructor(readonly pino: Logger) {}
  log(message: unknown, context?: string) {
    this.pino.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.pino.error({ context, err: trace ? { stack: trace } : undefined }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.pino.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.pino.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.pino.trace({ context }, String(message));
  }
}
