import { z } from 'zod';
import type { AuditAction } from './audit-event.js';
import type { Permission } from './permissions.js';

/**
 * Who may call an operation:
 * - a permission (or a list: any one of them), checked against the caller's roles and, for an API
 *   key, its scopes; a refusal is audited with the operation's audit descriptor;
 * - `authenticated`: any caller whose access token the service verified (no permission needed);
 * - `public`: anyone holding the bus key (liveness pings, the audit network key).
 */
export type OperationAccess = Permission | readonly Permission[] | 'authenticated' | 'public';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The gateway route of an operation. Path parameters (`:id`) are fields of the request. */
export interface HttpBinding {
  method: HttpMethod;
  /** Without a leading slash, e.g. `v1/customers/:id`. */
  path: string;
  /** The OpenAPI tag the route is listed under. */
  tag: string;
  /** The success status (default: 201 for POST, 200 otherwise; 204 sends no body). */
  status?: number;
  /**
   * Where the body goes in the request: merged with the path parameters (default), or under this
   * field (e.g. `patch` for `{ id, patch }`).
   */
  bodyField?: string;
  /** Only a signed-in person, never an API key, whatever its scopes (checked by the service too). */
  personOnly?: boolean;
  /** Request fields taken from request headers: field → header name in lower case (e.g. `idempotency-key`). */
  headers?: Record<string, string>;
}

/** What an access is recorded as: the audit action and resource type of the operation. */
export interface AuditDescriptor {
  action: AuditAction;
  resourceType: string;
  /**
   * The request field naming the resource in a refusal's record (default `id`); `null` when no
   * request field names a resource of this type (e.g. a list under another resource's id).
   */
  resourceIdField?: string | null;
}

export interface Operation<
  Name extends string = string,
  Req extends z.ZodType = z.ZodType,
  Res extends z.ZodType = z.ZodType,
> {
  /** The pattern the bus routes by: `<service>.<feature>.<verb>`. */
  readonly name: Name;
  /** The service that serves it (the name's first segment). */
  readonly service: string;
  readonly request: Req;
  readonly response: Res;
  readonly access: OperationAccess;
  /** Only a signed-in person may call it, never an API key or a service. */
  readonly personOnly: boolean;
  readonly audit: AuditDescriptor;
  readonly summary: string;
  /** The route the gateway derives for it; absent when `internal` says why there is none. */
  readonly http?: HttpBinding;
  /** Why the gateway derives no route: only services call it, or a hand-written (streaming) route does. */
  readonly internal?: string;
  /** Served only when LEKHA_ENV is development or test (a production service does not register it). */
  readonly developmentOnly: boolean;
  /**
   * Why this write is still served while the tenant is read-only (restricted for non-payment, or
   * cancelled: see `TENANT_WRITE_ACTIONS`), e.g. it takes access away or honours a person's withdrawal.
   * The gateway's PermissionGuard is the one place that reads it: without it, a tenant's write is refused
   * there (402 BILLING_TENANT_RESTRICTED or 403 TENANT_READ_ONLY) from identity's tenant standing.
   */
  readonly whileReadOnly?: string;
  /**
   * The reply's `{ tenantId, state }` is the tenant's new standing (cancelled → read-only, active →
   * writable): the gateway that relays it applies it before answering, not at its next poll.
   */
  readonly changesTenantStanding?: true;
}

export type AnyOperation = Operation<string, z.ZodType, z.ZodType>;
/** What a caller sends (before defaults and transforms). */
export type OpInput<O extends AnyOperation> = z.input<O['request']>;
/** What the use case receives (the request after validation). */
export type OpRequest<O extends AnyOperation> = z.output<O['request']>;
/** What the use case returns and the caller receives. */
export type OpResponse<O extends AnyOperation> = z.output<O['response']>;

export interface OperationDeclaration<Name extends string, Req extends z.ZodType, Res extends z.ZodType> {
  name: Name;
  request: Req;
  response: Res;
  access: OperationAccess;
  personOnly?: boolean;
  audit: AuditDescriptor;
  summary: string;
  http?: HttpBinding;
  internal?: string;
  developmentOnly?: boolean;
  whileReadOnly?: string;
  changesTenantStanding?: true;
}

/** Declares a request/reply operation once; the gateway route, the service handler and OpenAPI derive from it. */
export function operation<const Name extends string, Req extends z.ZodType, Res extends z.ZodType>(
  decl: OperationDeclaration<Name, Req, Res>,
): Operation<Name, Req, Res> {
  const dot = decl.name.indexOf('.');
  if (dot <= 0) throw new Error(`operation ${decl.name}: the name must start with the serving service`);
  if (!decl.http === !decl.internal)
    throw new Error(`operation ${decl.name}: give either its route (http) or why it has none (internal)`);
  return Object.freeze({
    ...decl,
    service: decl.name.slice(0, dot),
    personOnly: decl.personOnly ?? decl.http?.personOnly ?? false,
    developmentOnly: decl.developmentOnly ?? false,
  });
}

/**
 * The audit actions of a write a read-only tenant (restricted for non-payment, or cancelled) may not
 * make: it keeps reading, exporting and deleting (erasure is a person's right), nothing grows or changes.
 * The gateway's PermissionGuard refuses them, unless the operation declares `whileReadOnly` or only the
 * platform may call it (billing's tick, a payment outcome: the platform's work on a tenant, not its write).
 */
export const TENANT_WRITE_ACTIONS: ReadonlySet<AuditAction> = new Set<AuditAction>([
  'create',
  'update',
  'permission_change',
]);

/** The permissions an access names (none for `public` and `authenticated`). */
export function accessPermissions(access: OperationAccess): readonly Permission[] {
  if (access === 'public' || access === 'authenticated') return [];
  return typeof access === 'string' ? [access] : access;
}

/** The request of an operation that takes nothing. */
export const emptyRequestSchema = z.strictObject({});
/** Tolerates fields it does not know (liveness pings from older callers). */
export const anyRequestSchema = z.object({}).passthrough();
/** The reply of an operation that answers with nothing useful (e.g. a deletion). */
export const emptyResponseSchema = z.union([z.null(), z.undefined(), z.object({})]);

/** A page of a cursor-paginated list. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}
