import { z } from 'zod';
import { deletionCertificateSchema } from './deletion-certificate.js';

/**
 * Retention after cancellation (compliance owns it). A tenant's policy is a number of days after
 * cancellation before its purge — the product profile's default until the owner sets one — and, per
 * category the law binds, a floor that wins over it: what the law makes us keep longer is kept (and
 * says why); everything else is purged on the day.
 */
export const RetentionProfiles = { short: 30, standard: 90, extended: 180 } as const;
export type RetentionProfile = keyof typeof RetentionProfiles;
export const DEFAULT_RETENTION_PROFILE: RetentionProfile = 'standard';

/** The notice to the owner goes this long before the purge (and before an inactivity erasure). */
export const PURGE_NOTICE_HOURS = 48;
/** DPDP Third Schedule: erase after three years without the principal (here: the tenant) using the service. */
export const INACTIVITY_ERASURE_DAYS = 3 * 365;
export const MAX_RETENTION_DAYS = 3650;

/** Categories the law keeps past the purge; each with its minimum and its reason (shown to the owner). */
export const RetentionFloors = [
  {
    category: 'processing_logs',
    minDays: 365,
    reason: 'DPDP Rules r.8(3): processing logs are kept for at least one year',
  },
  {
    category: 'gst_records',
    minDays: 6 * 365 + 2,
    reason: 'CGST Act s.36 / Rule 56: tax invoices and accounts are kept for 72 months',
  },
] as const;

export const putRetentionPolicySchema = z.strictObject({
  /** Days after cancellation before the purge; omitted: the profile's default. */
  days: z.number().int().min(1).max(MAX_RETENTION_DAYS).optional(),
  profile: z.enum(Object.keys(RetentionProfiles) as [RetentionProfile, ...RetentionProfile[]]).optional(),
  /** Erase the tenant after three years of inactivity, with a 48-hour notice (off unless asked for). */
  inactivityErasure: z.boolean().optional(),
  /**
   * Days after cancellation before the tenant's customer data (its customers, business records, documents,
   * messages, consents) is erased, while the account data (staff, settings, billing) waits for `days`.
   * At most `days`; `null` drops it (customer data then goes with the account at `days`).
   */
  customerDataDays: z.number().int().min(1).max(MAX_RETENTION_DAYS).nullable().optional(),
});
export type PutRetentionPolicyInput = z.infer<typeof putRetentionPolicySchema>;

export interface ResolvedRetentionPolicy {
  profile: RetentionProfile;
  days: number;
  /** `policy` when the tenant set `days`, `profile` when it is the profile's default. */
  daysFrom: 'policy' | 'profile';
  inactivityErasure: boolean;
  /** Days after cancellation before customer data is erased (equal to `days` unless set shorter). */
  customerDataDays: number;
  categories: { category: string; days: number; reason: string }[];
}

/** The categories a purge erases (the rest, the legal floors, are kept past it as IDs and times). */
export const PurgedCategories = ['account_data', 'customer_data'] as const;

/** The policy as it binds: the tenant's days (or its profile's), each legal floor where it is longer. */
export function resolveRetentionPolicy(stored: {
  profile?: RetentionProfile | null;
  days?: number | null;
  inactivityErasure?: boolean | null;
  customerDataDays?: number | null;
}): ResolvedRetentionPolicy {
  const profile = stored.profile ?? DEFAULT_RETENTION_PROFILE;
  const days = stored.days ?? RetentionProfiles[profile];
  const customerDataDays = Math.min(stored.customerDataDays ?? days, days);
  return {
    profile,
    days,
    daysFrom: stored.days ? 'policy' : 'profile',
    inactivityErasure: stored.inactivityErasure ?? false,
    customerDataDays,
    categories: [
      { category: 'account_data', days, reason: 'the tenant’s retention policy (staff, settings, billing account)' },
      {
        category: 'customer_data',
        days: customerDataDays,
        reason:
          customerDataDays < days
            ? 'the tenant’s retention policy for customer data (customers, records, documents, messages, consents)'
            : 'the tenant’s retention policy (with the account data)',
      },
      ...RetentionFloors.map((f) =>
        f.minDays > days
          ? { category: f.category, days: f.minDays, reason: `${f.reason} (longer than the policy: the law wins)` }
          : { category: f.category, days, reason: 'the tenant’s retention policy (longer than the legal minimum)' },
      ),
    ],
  };
}

/**
 * When the purge and its notice fall for a cancellation. With `customerDataDays` shorter than `days`,
 * customer data is erased first (`customerPurgeAt`) and the notice goes 48 h before that, the first erasure.
 */
export function purgeSchedule(
  cancelledAt: Date,
  days: number,
  customerDataDays: number = days,
): { noticeAt: Date; purgeAt: Date; customerPurgeAt: Date | null } {
  const purgeAt = new Date(cancelledAt.getTime() + days * 86_400_000);
  const customerPurgeAt =
    customerDataDays < days ? new Date(cancelledAt.getTime() + customerDataDays * 86_400_000) : null;
  const first = customerPurgeAt ?? purgeAt;
  return { purgeAt, customerPurgeAt, noticeAt: new Date(first.getTime() - PURGE_NOTICE_HOURS * 3_600_000) };
}

export const cancelTenantSchema = z.strictObject({ password: z.string().min(1).max(200) });
export type CancelTenantInput = z.infer<typeof cancelTenantSchema>;

export const TenantLifecycleStates = ['active', 'cancelled', 'purging', 'purged'] as const;
export type TenantLifecycleState = (typeof TenantLifecycleStates)[number];

export const retentionRunViewSchema = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  /** `customer_purge`: the tenant's customer data erased before the account (per-category retention). */
  kind: z.enum(['notice', 'purge', 'customer_purge']),
  /** `started`/`done` for a purge; `blocked` while a legal hold stands (no purge ran); `sent` for a notice. */
  result: z.enum(['started', 'done', 'blocked', 'sent']),
  holdId: z.uuid().nullable(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().nullable(),
  certificateId: z.uuid().nullable(),
});
export type RetentionRunView = z.infer<typeof retentionRunViewSchema>;

export const retentionViewSchema = z.object({
  tenantId: z.uuid(),
  policy: z.object({
    profile: z.enum(Object.keys(RetentionProfiles) as [RetentionProfile, ...RetentionProfile[]]),
    days: z.number().int(),
    daysFrom: z.enum(['policy', 'profile']),
    inactivityErasure: z.boolean(),
    customerDataDays: z.number().int(),
    categories: z.array(z.object({ category: z.string(), days: z.number().int(), reason: z.string() })),
  }),
  state: z.enum(TenantLifecycleStates),
  cancelledAt: z.iso.datetime().nullable(),
  /** `inactivity`: no sign-in or activity for three years, with inactivity erasure on. */
  cancelReason: z.enum(['owner', 'non_payment', 'inactivity']).nullable(),
  /** What will happen when: the notice, the purge, and what stays past it (null while not cancelled). */
  schedule: z
    .object({
      noticeAt: z.iso.datetime(),
      purgeAt: z.iso.datetime(),
      /** When customer data is erased, ahead of the account (null: with it, at `purgeAt`). */
      customerPurgeAt: z.iso.datetime().nullable(),
      /** When the customer-data erasure completed (every service confirmed), null until then. */
      customerPurgedAt: z.iso.datetime().nullable(),
      retained: z.array(z.object({ category: z.string(), until: z.iso.datetime(), reason: z.string() })),
    })
    .nullable(),
  /** Legal holds standing on the tenant (IDs and references only; the reason is the platform's). */
  holds: z.array(z.object({ id: z.uuid(), placedAt: z.iso.datetime() })),
  lastRuns: z.array(retentionRunViewSchema),
});
export type RetentionView = z.infer<typeof retentionViewSchema>;

export const createLegalHoldSchema = z.strictObject({
  tenantId: z.uuid(),
  customerId: z.uuid().optional(),
  reason: z.string().trim().min(3).max(500),
  reference: z.string().trim().min(1).max(200),
});
export const legalHoldViewSchema = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  customerId: z.uuid().nullable(),
  reason: z.string(),
  reference: z.string(),
  placedBy: z.string(),
  placedAt: z.iso.datetime(),
  liftedBy: z.string().nullable(),
  liftedAt: z.iso.datetime().nullable(),
  /** True when a purge had already begun when the hold was placed: the purge completes first. */
  purgeAlreadyRunning: z.boolean(),
});
export type LegalHoldView = z.infer<typeof legalHoldViewSchema>;

export const listRetentionRunsSchema = z.strictObject({
  tenantId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const retentionRunsPageSchema = z.object({ items: z.array(retentionRunViewSchema) });

/** The platform's schedule view: tenants with a cancellation or purge under way, next due first. */
export const listRetentionScheduleSchema = z.strictObject({
  /** Only this state; omitted: `cancelled` and `purging` (what is still to happen). */
  state: z.enum(['cancelled', 'purging', 'purged']).optional(),
  /** Only tenants whose next step falls before this time. */
  dueBefore: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});
const stepSchema = z.object({
  at: z.iso.datetime().nullable(),
  startedAt: z.iso.datetime().nullable(),
  doneAt: z.iso.datetime().nullable(),
});
export const retentionScheduleItemSchema = z.object({
  tenantId: z.uuid(),
  state: z.enum(TenantLifecycleStates),
  cancelReason: z.enum(['owner', 'non_payment', 'inactivity']).nullable(),
  cancelledAt: z.iso.datetime().nullable(),
  /** What happens next and when (`null` once purged). */
  next: z.object({ kind: z.enum(['notice', 'customer_purge', 'purge']), at: z.iso.datetime() }).nullable(),
  notice: z.object({ at: z.iso.datetime().nullable(), sentAt: z.iso.datetime().nullable() }),
  /** The customer-data erasure ahead of the account (per-category retention); null when none is set. */
  customerPurge: stepSchema.nullable(),
  purge: stepSchema,
  /** Legal holds standing on the tenant: while any stands, no purge or customer-data erasure runs. */
  heldBy: z.array(z.uuid()),
  lastRun: retentionRunViewSchema.nullable(),
});
export type RetentionScheduleItem = z.infer<typeof retentionScheduleItemSchema>;
export const retentionSchedulePageSchema = z.object({
  items: z.array(retentionScheduleItemSchema),
  nextCursor: z.string().nullable(),
});
export const certificateResponseSchema = deletionCertificateSchema;
export const certificateKeyViewSchema = z.object({ alg: z.literal('Ed25519'), kid: z.string(), publicKey: z.string() });
/** Development and test only: run the schedule as if it were `asOf` (the e2e suites' clock). */
export const retentionTickSchema = z.strictObject({
  asOf: z.iso.datetime(),
  /** Only this tenant (suites on a shared platform must not purge another suite's tenants). */
  tenantId: z.uuid().optional(),
});
export const retentionTickResultSchema = z.object({
  /** Tenants scheduled for inactivity erasure in this round (notice now or later, purge 48 h after it). */
  inactive: z.array(z.uuid()),
  notices: z.array(z.uuid()),
  purges: z.array(z.uuid()),
  blocked: z.array(z.uuid()),
  /** Tenants whose customer data began to be erased ahead of the account (per-category retention). */
  customerPurges: z.array(z.uuid()),
});
