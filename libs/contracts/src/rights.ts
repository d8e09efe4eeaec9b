import { createHmac } from 'node:crypto';
import { z } from 'zod';
import { dataCategorySchema, type DataCategory } from './data-categories.js';
import { NoticeLanguages } from './privacy.js';

/* ---------------------------------------------------------------------------------------------
 * Data principals' rights requests (issue 12): compliance owns the workflow; every service that
 * holds personal data answers for its part of an access or export request.
 * ------------------------------------------------------------------------------------------- */

export const RightsRequestKinds = ['access', 'export', 'correction', 'erasure', 'grievance', 'nomination'] as const;
export type RightsRequestKind = (typeof RightsRequestKinds)[number];

export const RightsRequestStatuses = ['received', 'verified', 'in_progress', 'completed', 'rejected'] as const;
export type RightsRequestStatus = (typeof RightsRequestStatuses)[number];
/** A request still to be done: a new one of the same principal and kind joins it. */
export const OPEN_RIGHTS_STATUSES: readonly RightsRequestStatus[] = ['received', 'verified', 'in_progress'];

/** The kinds whose answer is assembled from every service's part over `privacy.rights.v1`. */
export const ORCHESTRATED_RIGHTS_KINDS: readonly RightsRequestKind[] = ['access', 'export', 'erasure'];

/** Days a tenant has to answer each kind unless its policy says otherwise (DPDP: grievances within 90). */
export const DEFAULT_RIGHTS_DUE_DAYS: Readonly<Record<RightsRequestKind, number>> = {
  access: 30,
  export: 30,
  correction: 30,
  erasure: 30,
  grievance: 90,
  nomination: 30,
};

/** Every service that holds personal data about a tenant's customers and answers for its part. */
export const RIGHTS_SERVICES = ['identity', 'tenant-data', 'notifications', 'billing', 'compliance'] as const;
export type RightsService = (typeof RIGHTS_SERVICES)[number];

/** The tenant's policy: days to answer each kind (its own where set, else the defaults). */
export const rightsPolicySchema = z.object({
  dueDays: z.record(z.enum(RightsRequestKinds), z.number().int()),
});
export const putRightsPolicySchema = z.strictObject({
  kind: z.enum(RightsRequestKinds),
  /** Days from filing; at most the default (DPDP's outer limit for grievances is 90). */
  days: z.number().int().min(1).max(90),
});

export const fileRightsRequestSchema = z.strictObject({
  kind: z.enum(RightsRequestKinds),
  customerId: z.uuid(),
  /** What the principal asked, in their words (encrypted at rest). */
  details: z.string().trim().min(1).max(2000).optional(),
});
export type FileRightsRequest = z.infer<typeof fileRightsRequestSchema>;

export const listRightsRequestsSchema = z.strictObject({
  status: z.enum(RightsRequestStatuses).optional(),
  /** `true`: only open requests past their due date. */
  overdue: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListRightsRequestsRequest = z.infer<typeof listRightsRequestsSchema>;

export const rightsRequestIdSchema = z.strictObject({ id: z.uuid() });

export const rightsResultRequestSchema = z.strictObject({
  id: z.uuid(),
  format: z.enum(['json', 'html']).default('json'),
  /**
   * The page's language (en or one of the 22 scheduled languages); by default the language of the notice the
   * principal's latest consent was given under. English when the tenant has no notice in it.
   */
  language: z.enum(NoticeLanguages).optional(),
});

export const rejectRightsRequestSchema = z.strictObject({
  id: z.uuid(),
  /** Why, in words the principal will read. */
  reason: z.string().trim().min(1).max(500),
});

export const completeRightsRequestSchema = z.strictObject({
  id: z.uuid(),
  /** What was done (a grievance's resolution, a nomination recorded); encrypted at rest. */
  note: z.string().trim().min(1).max(2000),
});

export const rightsPartStateSchema = z.object({
  service: z.enum(RIGHTS_SERVICES),
  answeredAt: z.iso.datetime().nullable(),
});

export const rightsRequestViewSchema = z.object({
  id: z.uuid(),
  kind: z.enum(RightsRequestKinds),
  customerId: z.uuid(),
  status: z.enum(RightsRequestStatuses),
  receivedAt: z.iso.datetime(),
  verifiedAt: z.iso.datetime().nullable(),
  dueAt: z.iso.datetime(),
  overdue: z.boolean(),
  completedAt: z.iso.datetime().nullable(),
  rejection: z.object({ reason: z.string(), at: z.iso.datetime() }).nullable(),
  details: z.string().nullable(),
  note: z.string().nullable(),
  filedBy: z.object({ type: z.string(), id: z.string().nullable() }),
  /** For access and export: each service's part and when it answered (null: still waiting). */
  parts: z.array(rightsPartStateSchema),
  /** True when this filing joined a request already open for the same principal and kind. */
  joined: z.boolean().optional(),
  /** An erasure request: where it stands (see `rightsErasureStateSchema`). */
  erasure: z.lazy(() => rightsErasureStateSchema).optional(),
});
export type RightsRequestView = z.infer<typeof rightsRequestViewSchema>;

/* ------------------------------- what each service answers -------------------------------- */

/** One kind of thing a service holds about the principal. */
export const rightsHoldingSchema = z.object({
  /** What it is (`customer profile`, `message`, `ledger account`, …). */
  what: z.string(),
  category: dataCategorySchema,
  purpose: z.string(),
  /** The earliest such item: held since. */
  since: z.iso.datetime().nullable(),
  count: z.number().int().nonnegative(),
  /** The data itself, field by field (the principal's own; never another person's). */
  items: z.array(z.record(z.string(), z.unknown())),
});
export type RightsHolding = z.infer<typeof rightsHoldingSchema>;

/** A recipient the service shared the principal's data with (a message provider, a payment processor). */
export const rightsRecipientSchema = z.object({
  recipient: z.string(),
  category: dataCategorySchema,
  purpose: z.string(),
  count: z.number().int().nonnegative(),
  first: z.iso.datetime().nullable(),
  last: z.iso.datetime().nullable(),
});
export type RightsRecipient = z.infer<typeof rightsRecipientSchema>;

/** A processing activity on the audit trail that touched the principal: what, when, by which role. */
export const rightsActivitySchema = z.object({
  at: z.iso.datetime(),
  service: z.string(),
  action: z.string(),
  resourceType: z.string(),
  actor: z.string(),
  outcome: z.string(),
});
export type RightsActivity = z.infer<typeof rightsActivitySchema>;

export const rightsPartSchema = z.object({
  service: z.enum(RIGHTS_SERVICES),
  holdings: z.array(rightsHoldingSchema),
  sharedWith: z.array(rightsRecipientSchema),
  activities: z.array(rightsActivitySchema),
  /** What the service says about itself when it holds nothing (e.g. identity holds staff, not customers). */
  note: z.string().optional(),
  /** An erasure request's answer: what the service erased and what it keeps, and why (no personal data). */
  erasure: z.lazy(() => rightsErasureSchema).optional(),
});
export type RightsPart = z.infer<typeof rightsPartSchema>;

export const rightsDocumentSchema = z.object({
  requestId: z.uuid(),
  kind: z.enum(RightsRequestKinds),
  customerId: z.uuid(),
  generatedAt: z.iso.datetime(),
  parts: z.array(rightsPartSchema),
  /** Every category held, with the services that hold it (a summary of `parts`). */
  categories: z.array(z.object({ category: dataCategorySchema, services: z.array(z.string()) })),
});
export type RightsDocument = z.infer<typeof rightsDocumentSchema>;

/* ------------------------ what a service declares about its personal data ------------------- */

/**
 * One table (or view) of a service that holds personal data about a tenant's customers: the data
 * category and purpose of what it holds and the column that names the principal. The service's
 * rights handler answers from these declarations; `test/architecture/rights-handlers.spec.ts` holds
 * every table with encrypted or customer columns to one.
 */
export interface PersonalDataDeclaration {
  /** Schema-qualified table name, e.g. `notifications.messages`. */
  table: string;
  what: string;
  category: DataCategory;
  purpose: string;
  /** The column naming the principal (`customer_id`), or null when the table holds no customer's data. */
  principalColumn: string | null;
  /** Why a table with personal data holds nothing of a tenant's customers (staff accounts, credentials). */
  notCustomers?: string;
  /** The declared table whose answer covers this one's rows (e.g. a message's attempts, with the message). */
  partOf?: string;
  /**
   * Why the rows naming a principal are not disclosed to them while they stand (a legal hold may be part of
   * a law-enforcement matter); the data map still lists the table.
   */
  withheld?: string;
}

/* ------------------------------- `privacy.rights.v1` events -------------------------------- */

/** Compliance asks a service for its part (republished until it answers). */
export const rightsPartRequestedEventSchema = z.object({
  type: z.literal('rights.part.requested'),
  eventId: z.uuid(),
  tenantId: z.uuid(),
  requestId: z.uuid(),
  service: z.enum(RIGHTS_SERVICES),
  kind: z.enum(RightsRequestKinds),
  /** The principal's pseudonymous customer ID: no personal datum travels in a request. */
  customerId: z.uuid(),
});
/** A service's part, sealed with the tenant's rights transport key (personal data inside). */
export const rightsPartAnsweredEventSchema = z.object({
  type: z.literal('rights.part.answered'),
  eventId: z.uuid(),
  tenantId: z.uuid(),
  requestId: z.uuid(),
  service: z.enum(RIGHTS_SERVICES),
  /** The kind that was asked (an erasure request is followed by an access check under the same request ID). */
  kind: z.enum(RightsRequestKinds).optional(),
  partSealed: z.string().max(900_000),
  answeredAt: z.iso.datetime(),
});
export const rightsEventSchema = z.discriminatedUnion('type', [
  rightsPartRequestedEventSchema,
  rightsPartAnsweredEventSchema,
]);
export type RightsEvent = z.infer<typeof rightsEventSchema>;
export type RightsPartRequestedEvent = z.infer<typeof rightsPartRequestedEventSchema>;
export type RightsPartAnsweredEvent = z.infer<typeof rightsPartAnsweredEventSchema>;

/** The key that seals a service's part on `privacy.rights.v1`, per tenant; derived by each service, never sent. */
export function rightsTransportKey(masterKey: Buffer, tenantId: string): Buffer {
  return createHmac('sha256', masterKey).update(`privacy/rights-transport/v1\u0000${tenantId}`).digest();
}

/* ------------------------------------- erasure ------------------------------------------- */

/** What one service erased of the principal (names and counts only). */
export const rightsErasedSchema = z.object({
  what: z.string(),
  category: dataCategorySchema,
  count: z.number().int().nonnegative(),
});
/** What one service keeps of the principal on purpose, until when, and the rule that requires it. */
export const rightsRetainedSchema = z.object({
  what: z.string(),
  category: dataCategorySchema,
  until: z.iso.datetime().nullable(),
  reason: z.string().min(1).max(300),
});
export type RightsRetained = z.infer<typeof rightsRetainedSchema>;
/** A service's answer to an erasure request. */
export const rightsErasureSchema = z.object({
  erased: z.array(rightsErasedSchema),
  retained: z.array(rightsRetainedSchema),
});
export type RightsErasure = z.infer<typeof rightsErasureSchema>;

export const RightsErasurePhases = ['erasing', 'checking', 'residue', 'completed'] as const;
/**
 * An erasure request's progress: each service erases its part (`erasing`), then an access request runs
 * again across every service (`checking`); anything personal it still finds outside the retained items
 * is the residue (`residue`: the request stays in progress, no certificate); empty, it completes.
 */
export const rightsErasureStateSchema = z.object({
  phase: z.enum(RightsErasurePhases),
  /** What the access check still found: service, what, category and how many (never the data). */
  residue: z.array(
    z.object({ service: z.enum(RIGHTS_SERVICES), what: z.string(), category: z.string(), count: z.number() }),
  ),
  retained: z.array(rightsRetainedSchema.extend({ service: z.enum(RIGHTS_SERVICES) })),
  certificateId: z.uuid().nullable(),
  /** How many times the erasure was ordered again from the services where a check found a residue. */
  retries: z.number().int().nonnegative().optional(),
});
export type RightsErasureState = z.infer<typeof rightsErasureStateSchema>;
