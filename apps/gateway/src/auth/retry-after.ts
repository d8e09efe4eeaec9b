import type { Response } from 'express';
import { DomainError } from '@lekha/contracts';

/** A RATE_LIMITED answer carries `Retry-After` (seconds) as well as `details.retryAfterSeconds`. */
export function setRetryAfter(res: Pick<Response, 'setHeader'>, err: unknown): void {
  if (!(err instanceof DomainError) || err.code !== 'RATE_LIMITED') return;
  const seconds = (err.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (typeof seconds === 'number' && Number.isFinite(seconds))
    res.setHeader('Retry-After', String(Math.max(1, Math.ceil(seconds))));
}

export async function withRetryAfter<T>(res: Pick<Response, 'setHeader'>, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    setRetryAfter(res, err);
    throw err;
  }
}
