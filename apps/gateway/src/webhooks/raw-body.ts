import type { NextFunction, Request, Response } from 'express';

/** The prefix of the providers' public webhook routes. */
export const WEBHOOKS_PREFIX = '/v1/webhooks';

/**
 * Keeps a webhook's body as the exact bytes that arrived (signatures cover them, and a parsed and
 * re-serialised body is not the same bytes): `req.body` becomes a Buffer and the JSON and form
 * parsers after it leave the request alone. Installed before them, for the webhook routes only.
 */
export function rawBodyMiddleware(limitBytes: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const marked = req as Request & { _body?: boolean };
    if (req.method !== 'POST') return next();
    const chunks: Buffer[] = [];
    let size = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      size += chunk.length;
      if (size > limitBytes) {
        refused = true;
        res.status(413).json({ error: { code: 'PAYLOAD_TOO_LARGE', message: 'the request body is too large' } });
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      req.body = Buffer.concat(chunks);
      marked._body = true;
      next();
    });
    req.on('error', (err) => {
      if (!refused) next(err);
    });
  };
}

/** `100kb` / `1mb` (the gateway's BODY_LIMIT) in bytes. */
export function bodyLimitBytes(limit: string): number {
  const match = /^(\d+)(kb|mb)$/.exec(limit);
  if (!match) return 100 * 1024;
  return Number(match[1]) * (match[2] === 'mb' ? 1024 * 1024 : 1024);
}
