import { ActorTypes, ContextHeaders, type ActorType } from '@lekha/contracts';
import { anonymousContext, type RequestContext } from './request-context.js';

export type KafkaHeaders = Record<string, string | Buffer | (string | Buffer)[] | undefined>;

export function contextToHeaders(ctx: RequestContext): Record<string, string> {
  const headers: Record<string, string> = {
    [ContextHeaders.actorType]: ctx.actorType,
    [ContextHeaders.roles]: ctx.roles.join(','),
    [ContextHeaders.purpose]: ctx.purpose,
    [ContextHeaders.requestId]: ctx.requestId,
    [ContextHeaders.traceId]: ctx.traceId,
  };
  if (ctx.tenantId) headers[ContextHeaders.tenantId] = ctx.tenantId;
  if (ctx.actorId) headers[ContextHeaders.actorId] = ctx.actorId;
  if (ctx.ip) headers[ContextHeaders.ip] = ctx.ip;
  if (ctx.userAgent) headers[ContextHeaders.userAgent] = ctx.userAgent.slice(0, 300);
  if (ctx.accessToken) headers[ContextHeaders.accessToken] = ctx.accessToken;
  if (ctx.auditNetwork) headers[ContextHeaders.auditNetwork] = `${ctx.auditNetwork.kid}.${ctx.auditNetwork.sealed}`;
  if (ctx.scopes) headers[ContextHeaders.scopes] = ctx.scopes.join(',');
  return headers;
}

/** A header's first value as text; undefined when absent or empty. */
export function headerText(headers: KafkaHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  if (first === undefined) return undefined;
  const s = typeof first === 'string' ? first : first.toString('utf8');
  return s === '' ? undefined : s;
}

function auditNetworkFrom(value: string | undefined): Pick<RequestContext, 'auditNetwork'> {
  const [kid, sealed, extra] = value?.split('.') ?? [];
  return kid && sealed && extra === undefined && /^[\w-]{1,64}$/.test(kid) && /^[\w-]{1,1500}$/.test(sealed)
    ? { auditNetwork: { kid, sealed } }
    : {};
}

export function contextFromHeaders(headers: KafkaHeaders | undefined): RequestContext {
  const h = headers ?? {};
  const actorType = headerText(h, ContextHeaders.actorType);
  return anonymousContext({
    tenantId: headerText(h, ContextHeaders.tenantId) ?? null,
    actorId: headerText(h, ContextHeaders.actorId) ?? null,
    actorType: (ActorTypes as readonly string[]).includes(actorType ?? '') ? (actorType as ActorType) : 'anonymous',
    roles: (headerText(h, ContextHeaders.roles) ?? '').split(',').filter(Boolean),
    purpose: headerText(h, ContextHeaders.purpose) ?? 'service_delivery',
    requestId: headerText(h, ContextHeaders.requestId),
    traceId: headerText(h, ContextHeaders.traceId),
    ip: headerText(h, ContextHeaders.ip),
    userAgent: headerText(h, ContextHeaders.userAgent),
    ...auditNetworkFrom(headerText(h, ContextHeaders.auditNetwork)),
    // An API key caller without a scopes header may do nothing (fail closed).
    ...(actorType === 'api_key'
      ? { scopes: (headerText(h, ContextHeaders.scopes) ?? '').split(',').filter(Boolean) }
      : {}),
  });
}
