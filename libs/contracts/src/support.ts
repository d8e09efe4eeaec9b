import { z } from 'zod';
import { auditEventV1Schema } from './audit-event.js';
import { legalBarSchema } from './registers.js';
import type { Permission } from './permissions.js';

/**
 * Support access only with the customer's consent: a platform support engineer asks a tenant for
 * access (reason, scope, hours); the tenant's owner or admin approves or denies; an approved grant is
 * time-boxed, signed by compliance and revocable at once. See docs/support-access.md.
 */

/** Longest grant a support engineer may ask for. */
export const SUPPORT_MAX_HOURS = 72;
/** A request nobody decided lapses after this many days: it reads `expired` and can no longer be decided. */
export const SUPPORT_REQUEST_PENDING_DAYS = 7;

/** What a grant may open, by feature: the permissions a read-only and a read-write grant carry. */
export const SupportFeaturePermissions = {
  customers: {
    read: ['customers:read', 'records:read:all'],
    write: ['customers:write'],
  },
  records: { read: ['records:read', 'records:read:all', 'records:reports'], write: ['records:write'] },
  documents: { read: ['documents:read'], write: ['documents:write'] },
  notifications: { read: [], write: ['notifications:send'] },
  ledgers: { read: ['ledgers:read'], write: ['ledgers:write'] },
  billing: { read: ['billing:read'], write: [] },
  privacy: { read: ['privacy:consents:read'], write: ['privacy:consents:write'] },
} as const satisfies Record<string, { read: readonly Permission[]; write: readonly Permission[] }>;
export type SupportFeature = keyof typeof SupportFeaturePermissions;
export const SupportFeatures = Object.keys(SupportFeaturePermissions) as [SupportFeature, ...SupportFeature[]];
export const SupportAccessLevels = ['read', 'read-write'] as const;
export type SupportAccessLevel = (typeof SupportAccessLevels)[number];

export const supportScopeSchema = z.strictObject({
  access: z.enum(SupportAccessLevels),
  features: z
    .array(z.enum(SupportFeatures))
    .min(1)
    .max(SupportFeatures.length)
    .transform((f) => [...new Set(f)].sort()),
});
export type SupportScope = z.output<typeof supportScopeSchema>;

/**
 * The permissions a grant's token carries: the features' read permissions, and their write ones
 * only for read-write. Never a permission over staff, keys, the audit trail, export or erasure.
 */
export function supportScopePermissions(scope: SupportScope): Permission[] {
  const out = new Set<Permission>();
  for (const f of scope.features) {
    SupportFeaturePermissions[f].read.forEach((p) => out.add(p));
    if (scope.access === 'read-write') SupportFeaturePermissions[f].write.forEach((p) => out.add(p));
  }
  return [...out].sort();
}

export const createSupportRequestSchema = z.strictObject({
  tenantId: z.uuid(),
  reason: z.string().trim().min(5).max(500),
  scope: supportScopeSchema,
  hours: z.number().int().min(1).max(SUPPORT_MAX_HOURS),
});
export type CreateSupportRequest = z.output<typeof createSupportRequestSchema>;

/**
 * Break-glass access (P42): the platform (admin or compliance) opens a grant without the tenant's approval,
 * only as a last resort and only on a recorded basis; short-lived, read-only unless asked otherwise.
 */
export const BREAK_GLASS_MAX_HOURS = 4;
export const BreakGlassBases = [
  'abuse_investigation',
  'legal_obligation',
  'security_incident',
  'vital_interest',
] as const;
export type BreakGlassBasis = (typeof BreakGlassBases)[number];
export const SupportGrantKinds = ['consent', 'break_glass'] as const;
export type SupportGrantKind = (typeof SupportGrantKinds)[number];

export const openBreakGlassSchema = z.strictObject({
  tenantId: z.uuid(),
  basis: z.enum(BreakGlassBases),
  /** The case, ticket or legal instrument the access rests on. */
  reference: z.string().trim().min(3).max(200),
  reason: z.string().trim().min(5).max(500),
  scope: supportScopeSchema.default({ access: 'read', features: ['customers'] }),
  hours: z.number().int().min(1).max(BREAK_GLASS_MAX_HOURS),
  /**
   * A recorded bar on telling the tenant (e.g. an order's gag clause, or an investigation the owner could
   * tip off): the owner's notice goes when it ends, at most BREAK_GLASS_MAX_BAR_DAYS away. The reason is
   * platform text, recorded with the grant; without a bar the owner is told at once.
   */
  bar: legalBarSchema.optional(),
});
/** The longest a break-glass notice may be held back. */
export const BREAK_GLASS_MAX_BAR_DAYS = 90;
export type OpenBreakGlass = z.output<typeof openBreakGlassSchema>;

export const breakGlassReportRequestSchema = z.strictObject({
  /** Only grants opened at or after this instant (default: all). */
  since: z.iso.datetime().optional(),
});

export const breakGlassReportSchema = z.object({
  items: z.array(
    z.object({
      id: z.uuid(),
      tenantId: z.uuid(),
      basis: z.enum(BreakGlassBases),
      reference: z.string(),
      openedBy: z.string(),
      openedAt: z.iso.datetime(),
      expiresAt: z.iso.datetime(),
      status: z.string(),
      revokedBy: z.string().nullable(),
      /** The owner's notice: when it is (or was) due, whether a bar holds it, and whether it went. */
      notice: z
        .object({
          dueAt: z.iso.datetime(),
          status: z.enum(['barred', 'due', 'sent', 'failed']),
          bar: z.object({ reason: z.string(), until: z.iso.datetime() }).nullable(),
        })
        .nullable(),
    }),
  ),
  total: z.number().int(),
  byBasis: z.record(z.string(), z.number().int()),
  /** Counts per calendar month (UTC, `YYYY-MM`) the grant was opened in. */
  byMonth: z.record(z.string(), z.number().int()),
});

export const supportIdSchema = z.strictObject({ id: z.uuid() });
export const decideSupportRequestSchema = z.strictObject({
  id: z.uuid(),
  note: z.string().trim().max(500).optional(),
});

/**
 * Development and test only: where compliance's support clock stands, as an offset from real time in hours
 * (0 puts it back). Expiry and lapse are judged at every read against that clock, so a suite can move past
 * them without waiting and without any job running.
 */
export const supportClockSchema = z.strictObject({
  offsetHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 366),
});
export const supportClockViewSchema = z.object({ offsetHours: z.number().int(), now: z.iso.datetime() });

export const SupportRequestStatuses = ['pending', 'approved', 'denied', 'revoked', 'expired'] as const;
export type SupportRequestStatus = (typeof SupportRequestStatuses)[number];

export const supportSignatureSchema = z.object({ alg: z.literal('Ed25519'), keyId: z.string(), value: z.string() });

export const supportRequestViewSchema = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  requestedBy: z.string(),
  reason: z.string(),
  scope: supportScopeSchema,
  hours: z.number().int(),
  /** `consent`: asked by support, approved by the tenant; `break_glass`: opened by the platform on a basis (P42). */
  kind: z.enum(SupportGrantKinds),
  basis: z.enum(BreakGlassBases).nullable(),
  reference: z.string().nullable(),
  requestedAt: z.iso.datetime(),
  /** Judged at read: an approved grant past expiresAt is `expired` (no job ends it). */
  status: z.enum(SupportRequestStatuses),
  decidedBy: z.string().nullable(),
  decidedAt: z.iso.datetime().nullable(),
  approvedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  revokedBy: z.string().nullable(),
  revokedAt: z.iso.datetime().nullable(),
  /** Compliance's Ed25519 signature over `supportGrantCanonical` of the grant (approved grants only). */
  signature: supportSignatureSchema.nullable(),
});
export type SupportRequestView = z.infer<typeof supportRequestViewSchema>;

/** What a grant's signature covers. */
export interface SupportGrantTerms {
  id: string;
  tenantId: string;
  requestedBy: string;
  reason: string;
  scope: SupportScope;
  approvedBy: string;
  approvedAt: string;
  expiresAt: string;
  /** Break-glass grants only: the recorded basis and reference are signed with the terms. */
  breakGlass?: { basis: BreakGlassBasis; reference: string };
}

/** The canonical JSON of a grant's terms (keys sorted at every level, no spaces): the bytes compliance signs. */
export function supportGrantCanonical(t: SupportGrantTerms): string {
  const sorted = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sorted)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sorted((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(
    sorted({
      id: t.id,
      tenantId: t.tenantId,
      requestedBy: t.requestedBy,
      reason: t.reason,
      scope: { access: t.scope.access, features: [...t.scope.features].sort() },
      approvedBy: t.approvedBy,
      approvedAt: t.approvedAt,
      expiresAt: t.expiresAt,
      ...(t.breakGlass ? { breakGlass: { basis: t.breakGlass.basis, reference: t.breakGlass.reference } } : {}),
    }),
  );
}

/** An active grant as identity needs it to issue the grant's token. */
export const supportGrantForTokenSchema = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  requestedBy: z.string(),
  scope: supportScopeSchema,
  expiresAt: z.iso.datetime(),
});

export const supportGrantStatusSchema = z.object({
  /** Approved, not revoked, not past its expiry by compliance's clock. */
  active: z.boolean(),
  status: z.enum(SupportRequestStatuses).nullable(),
  tenantId: z.uuid().nullable(),
});
export type SupportGrantStatus = z.infer<typeof supportGrantStatusSchema>;

/** The grant's token request: optionally a lifetime shorter than the grant's remaining time. */
export const supportTokenRequestSchema = z.strictObject({
  id: z.uuid(),
  ttlSeconds: z.number().int().min(60).max(86_400).optional(),
});

export const supportTokenSchema = z.object({
  accessToken: z.string(),
  expiresIn: z.number().int(),
  expiresAt: z.iso.datetime(),
  grantId: z.uuid(),
  tenantId: z.uuid(),
  permissions: z.array(z.string()),
});
export type SupportToken = z.infer<typeof supportTokenSchema>;

export const supportActivitySchema = z.object({
  grantId: z.uuid(),
  items: z.array(auditEventV1Schema),
});
