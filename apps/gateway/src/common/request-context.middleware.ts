import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { anonymousContext, runWithContext } from '@lekha/tenancy';

const SAFE_ID = /^[\w.-]{1,100}$/;
const TRACEPARENT = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Every request runs inside its own context: request and trace IDs now, the caller after auth. */
export function requestContextMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.header('x-request-id');
  const requestId = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
  const traceId = TRACEPARENT.exec(req.header('traceparent') ?? '')?.[1] ?? requestId;
  res.setHeader('x-request-id', requestId);
  const ip = req.ip ?? req.socket.remoteAddress ?? undefined;
  runWithContext(anonymousContext({ requestId, traceId, ip, userAgent: req.header('user-agent') ?? undefined }), () =>
    next(),
  );
}
