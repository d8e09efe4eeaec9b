import { z } from 'zod';
import { dataCategorySchema } from './data-categories.js';

/* ---------------------------------------------------------------------------------------------
 * Oversight registers (issue 14), kept by compliance for the platform: law-enforcement requests
 * and personal-data breaches. IDs and platform text only: no personal data in plaintext.
 * ------------------------------------------------------------------------------------------- */

export const AuthorityTypes = ['police', 'court', 'regulator', 'tax', 'intelligence', 'other'] as const;
export type AuthorityType = (typeof AuthorityTypes)[number];

/**
 * The legal process a request came with. `informal` (an email, a call, a letter without legal force)
 * is recorded but never disclosed to: the platform answers only legal process (P41).
 */
export const LegalInstrumentTypes = ['warrant', 'court_order', 'summons', 'statutory_notice', 'informal'] as const;
export type LegalInstrumentType = (typeof LegalInstrumentTypes)[number];

export const LegalDecisions = ['pending', 'disclosed', 'partially', 'refused'] as const;
export type LegalDecision = (typeof LegalDecisions)[number];

const text = (max: number) => z.string().trim().min(1).max(max);

export const legalDisclosureSchema = z.strictObject({
  /** The customers whose data went out (pseudonymous IDs). */
  customerIds: z.array(z.uuid()).max(1000).default([]),
  categories: z.array(dataCategorySchema).max(20).default([]),
  /** What went out, in words (platform text: no personal data). */
  note: text(1000),
});

export const legalBarSchema = z.strictObject({
  /** Why the tenant may not be told yet (the order's gag clause, in words). */
  reason: text(500),
  /** When the bar ends: the tenant's notice goes then. */
  until: z.iso.datetime(),
});

export const createLegalRequestSchema = z.strictObject({
  authority: z.strictObject({ name: text(200), type: z.enum(AuthorityTypes) }),
  instrument: z.strictObject({ type: z.enum(LegalInstrumentTypes), reference: text(200) }),
  scope: z.strictObject({
    tenantId: z.uuid(),
    customerIds: z.array(z.uuid()).max(1000).default([]),
    categories: z.array(dataCategorySchema).max(20).default([]),
  }),
  receivedAt: z.iso.datetime(),
  decision: z.enum(LegalDecisions).default('pending'),
  decidedAt: z.iso.datetime().optional(),
  disclosed: legalDisclosureSchema.optional(),
  bar: legalBarSchema.optional(),
});
export type CreateLegalRequest = z.infer<typeof createLegalRequestSchema>;

export const decideLegalRequestSchema = z.strictObject({
  id: z.uuid(),
  decision: z.enum(['disclosed', 'partially', 'refused']),
  decidedAt: z.iso.datetime(),
  disclosed: legalDisclosureSchema.optional(),
});
export type DecideLegalRequest = z.infer<typeof decideLegalRequestSchema>;

/** A notice compliance hands to notifications, and what became of it. */
export const registerNoticeViewSchema = z.object({
  id: z.uuid(),
  recipient: z.object({
    type: z.enum(['tenant_owner', 'customer', 'principal']),
    tenantId: z.uuid(),
    customerId: z.uuid().nullable(),
  }),
  dueAt: z.iso.datetime(),
  /** `barred`: held by a legal bar until `dueAt`; `due`: not yet handed over; `sent`: handed to notifications. */
  status: z.enum(['barred', 'due', 'sent', 'failed']),
  sentAt: z.iso.datetime().nullable(),
  /** Notifications' message ID (the message's status is notifications'). */
  messageId: z.uuid().nullable(),
  /** The delivery status notifications reported for the message, as last read. */
  delivery: z.object({ status: z.string(), at: z.iso.datetime() }).nullable(),
  error: z.string().nullable(),
});
export type RegisterNoticeView = z.infer<typeof registerNoticeViewSchema>;

export const legalRequestViewSchema = z.object({
  id: z.uuid(),
  authority: z.object({ name: z.string(), type: z.enum(AuthorityTypes) }),
  instrument: z.object({ type: z.enum(LegalInstrumentTypes), reference: z.string() }),
  scope: z.object({
    tenantId: z.uuid(),
    customerIds: z.array(z.uuid()),
    categories: z.array(z.string()),
  }),
  receivedAt: z.iso.datetime(),
  decision: z.enum(LegalDecisions),
  decidedAt: z.iso.datetime().nullable(),
  disclosed: z.object({ customerIds: z.array(z.uuid()), categories: z.array(z.string()), note: z.string() }).nullable(),
  bar: z.object({ reason: z.string(), until: z.iso.datetime(), active: z.boolean() }).nullable(),
  notice: registerNoticeViewSchema,
  recordedBy: z.object({ type: z.string(), id: z.string().nullable() }),
  createdAt: z.iso.datetime(),
});
export type LegalRequestView = z.infer<typeof legalRequestViewSchema>;

export const listLegalRequestsSchema = z.strictObject({
  tenantId: z.uuid().optional(),
  decision: z.enum(LegalDecisions).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const ReportPeriods = ['month', 'quarter', 'year'] as const;

export const legalReportQuerySchema = z.strictObject({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  period: z.enum(ReportPeriods).default('month'),
});
export type LegalReportQuery = z.infer<typeof legalReportQuerySchema>;

/** The transparency report: requests received in [from, to), counted. */
export const legalReportSchema = z.object({
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  period: z.enum(ReportPeriods),
  total: z.number().int(),
  byPeriod: z.array(z.object({ period: z.string(), count: z.number().int() })),
  byAuthorityType: z.record(z.string(), z.number().int()),
  byDecision: z.record(z.string(), z.number().int()),
  rows: z.array(
    z.object({
      period: z.string(),
      authorityType: z.string(),
      decision: z.string(),
      count: z.number().int(),
    }),
  ),
});
export type LegalReport = z.infer<typeof legalReportSchema>;

/* ----- Breaches ----- */

/** Who or what the breach went through: a user account, an API key, a service. */
export const involvedActorSchema = z.strictObject({
  type: z.enum(['user', 'api_key', 'service']),
  id: text(100),
});

export const IncidentStatuses = ['detected', 'investigating', 'contained', 'resolved', 'closed'] as const;
export type IncidentStatus = (typeof IncidentStatuses)[number];

/**
 * The filings: DPDP Rule 7(2)(a) intimation to the Board (without delay), Rule 7(2)(b) the detailed
 * report (within 72 hours), and the CERT-In report (within 6 hours).
 */
export const IncidentStages = ['board_intimation', 'board_report', 'cert_in'] as const;
export type IncidentStage = (typeof IncidentStages)[number];

export const createIncidentSchema = z.strictObject({
  detectedAt: z.iso.datetime(),
  /** Platform text: what happened (no personal data). */
  description: text(2000),
  categories: z.array(dataCategorySchema).min(1).max(20),
  tenantIds: z.array(z.uuid()).min(1).max(100),
  window: z.strictObject({ from: z.iso.datetime(), to: z.iso.datetime() }),
  involved: involvedActorSchema,
  /** Whether the incident is one CERT-In must hear of (its 6-hour clock runs when true). */
  certIn: z.boolean().default(true),
});
export type CreateIncident = z.infer<typeof createIncidentSchema>;

export const incidentStageViewSchema = z.object({
  stage: z.enum(IncidentStages),
  dueAt: z.iso.datetime(),
  filedAt: z.iso.datetime().nullable(),
  reference: z.string().nullable(),
  /** Past due and not filed, by the service's clock. */
  overdue: z.boolean(),
  /** Seconds left until due (negative once past), null once filed. */
  secondsLeft: z.number().int().nullable(),
});

export const incidentViewSchema = z.object({
  id: z.uuid(),
  detectedAt: z.iso.datetime(),
  description: z.string(),
  categories: z.array(z.string()),
  tenantIds: z.array(z.uuid()),
  window: z.object({ from: z.iso.datetime(), to: z.iso.datetime() }),
  involved: z.object({ type: z.enum(['user', 'api_key', 'service']), id: z.string() }),
  status: z.enum(IncidentStatuses),
  certIn: z.boolean(),
  stages: z.array(incidentStageViewSchema),
  timeline: z.array(
    z.object({
      at: z.iso.datetime(),
      kind: z.string(),
      detail: z.record(z.string(), z.unknown()),
      by: z.object({ type: z.string(), id: z.string().nullable() }),
    }),
  ),
  notified: z.object({ principals: z.number().int(), tenants: z.number().int() }),
  createdAt: z.iso.datetime(),
});
export type IncidentView = z.infer<typeof incidentViewSchema>;

export const listIncidentsSchema = z.strictObject({
  status: z.enum(IncidentStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const incidentId = z.strictObject({ id: z.uuid() });
export const incidentIdSchema = incidentId;
export const legalRequestIdSchema = incidentId;

export const incidentStatusSchema = z.strictObject({
  id: z.uuid(),
  status: z.enum(IncidentStatuses),
  note: text(1000).optional(),
});

export const incidentStageSchema = z.strictObject({
  id: z.uuid(),
  stage: z.enum(IncidentStages),
  filedAt: z.iso.datetime(),
  reference: text(200),
});

export const affectedPrincipalSchema = z.object({
  tenantId: z.uuid(),
  customerId: z.string(),
  accesses: z.number().int(),
  firstAt: z.iso.datetime(),
  lastAt: z.iso.datetime(),
  categories: z.array(z.string()),
});
export type AffectedPrincipal = z.infer<typeof affectedPrincipalSchema>;

export const affectedViewSchema = z.object({
  items: z.array(affectedPrincipalSchema),
  total: z.number().int(),
  /** How it was derived: allowed accesses in the audit index by the involved actor, in the window. */
  derivedFrom: z.object({
    actor: z.object({ type: z.string(), id: z.string() }),
    from: z.iso.datetime(),
    to: z.iso.datetime(),
    tenantIds: z.array(z.uuid()),
  }),
});

/** What each principal is told (DPDP Rule 7(1)): platform text, the same for every recipient. */
export const notifyIncidentSchema = z.strictObject({
  id: z.uuid(),
  what: text(1000),
  when: text(300),
  impact: text(1000),
  mitigation: text(1000),
  actions: text(1000),
  contact: text(300),
});
export type NotifyIncident = z.infer<typeof notifyIncidentSchema>;

export const notifyResultSchema = z.object({
  principals: z.number().int(),
  tenants: z.number().int(),
  /** Notices handed to notifications by this call (0 when every notice went before). */
  sent: z.number().int(),
  items: z.array(registerNoticeViewSchema),
});

export const incidentNoticesSchema = z.object({ items: z.array(registerNoticeViewSchema) });
