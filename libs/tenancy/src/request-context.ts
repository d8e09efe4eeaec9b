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
  /** An API key's scopes; set only when actorType is 'api_key' (see contextHasPermission). */
  scopes?: string[];
  /** A support engineer's grant (actorType 'support'): every access is audited with it. */
  grantId?: string;
  /** The caller's raw access token, forwarded so every service verifies it itself; never logged. */
  accessToken?: string;
  /**
   * ip and userAgent sealed at the edge to the tenant's erasable audit key; audit events carry this, never the
   * plaintext.
   */
  auditNetwork?: { kid: string; sealed: string };
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
