import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { ActorType } from '@lekha/contracts';

/** Who is asking, for which tenant and why. Travels in Kafka headers and in AsyncLocalStorage. */
export interface RequestContext {
  tenantId: string | null;
  actorId: string | null;
  actorType: ActorType;
  roles: string[];
  purpose: string;
  requestId: string;
  traceId: string;
  ip?: string;
  userAgent?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runWithContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

export function currentContext(): RequestContext | undefined {
  return storage.getStore();
}

export function requireContext(): RequestContext {
  const ctx = storage.getStore();
  if (!ctx) throw new Error('no request context: this code path must run inside runWithContext');
  return ctx;
}

export function anonymousContext(partial: Partial<RequestContext> = {}): RequestContext {
  const requestId = partial.requestId ?? randomUUID();
  return {
    tenantId: null,
    actorId: null,
    actorType: 'anonymous',
    roles: [],
    purpose: 'service_delivery',
    requestId,
    traceId: partial.traceId ?? requestId,
    ...partial,
  };
}
