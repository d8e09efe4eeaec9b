import { z } from 'zod';
import { invoiceRecipientSchema } from './operations/invoices.js';

/** The countable limits of a plan; each service enforces its own at the point of use. */
export const EntitlementLimits = ['customers', 'staffSeats', 'messagesPerMonth', 'storageBytes'] as const;
export type EntitlementLimit = (typeof EntitlementLimits)[number];
/** The features a plan switches on or off. */
export const EntitlementFeatures = ['whatsapp', 'apiKeys'] as const;
export type EntitlementFeature = (typeof EntitlementFeatures)[number];

export const BillingIntervals = ['monthly', 'annual'] as const;
export type BillingInterval = (typeof BillingIntervals)[number];

/**
 * Where a subscription stands. `trialing` and `active` allow everything the plan does; `grace` (a
 * renewal payment failed, N days to pay) still does; `restricted` is read-only (reads and exports
 * allowed, writes refused 402 BILLING_TENANT_RESTRICTED); `cancelled` is read-only too and its
 * retention clock runs (tenant.cancelled).
 */
export const SubscriptionStatuses = ['trialing', 'active', 'grace', 'restricted', 'cancelled'] as const;
export type SubscriptionStatus = (typeof SubscriptionStatuses)[number];

export const entitlementsSchema = z.strictObject({
  /** A limit of null is unlimited. */
  limits: z.strictObject({
    customers: z.number().int().min(0).nullable(),
    staffSeats: z.number().int().min(0).nullable(),
    messagesPerMonth: z.number().int().min(0).nullable(),
    storageBytes: z.number().int().min(0).nullable(),
  }),
  features: z.strictObject({ whatsapp: z.boolean(), apiKeys: z.boolean() }),
});
export type Entitlements = z.infer<typeof entitlementsSchema>;

/** The free plan's entitlements (the plan a tenant may choose for nothing). */
export const DEFAULT_ENTITLEMENTS: Entitlements = {
  limits: { customers: 100, staffSeats: 2, messagesPerMonth: 100, storageBytes: 1024 ** 3 },
  features: { whatsapp: false, apiKeys: false },
};

/** The Business plan's entitlements, which are also the sign-up allowance. */
export const BUSINESS_ENTITLEMENTS: Entitlements = {
  limits: { customers: 50_000, staffSeats: 50, messagesPerMonth: 10_000, storageBytes: 200 * 1024 ** 3 },
  features: { whatsapp: true, apiKeys: true },
};

/**
 * A tenant that has not chosen a plan yet (no subscription in billing, so no snapshot) is on its
 * sign-up trial of this plan, as a platform starts a new business on a trial of its full plan: the
 * services hold it to these limits until billing publishes a snapshot of a chosen plan.
 */
export const SIGNUP_PLAN_KEY = 'business';
export const SIGNUP_ENTITLEMENTS: Entitlements = BUSINESS_ENTITLEMENTS;

/**
 * What billing publishes on `billing.entitlements.v1` (compacted, keyed by tenant, sealed with the
 * bus key) whenever a tenant's plan or standing changes; every service keeps the latest per tenant.
 * `writable` false is the read-only standing (restricted or cancelled).
 */
export const entitlementSnapshotSchema = z.strictObject({
  tenantId: z.uuid(),
  planKey: z.string(),
  status: z.enum(SubscriptionStatuses),
  writable: z.boolean(),
  entitlements: entitlementsSchema,
  /** Grows with every change of the tenant's subscription: a reader keeps the highest. */
  version: z.number().int().min(1),
  publishedAt: z.iso.datetime(),
});
export type EntitlementSnapshot = z.infer<typeof entitlementSnapshotSchema>;

export const planViewSchema = z.object({
  key: z.string(),
  name: z.string(),
  monthlyPricePaise: z.number().int().min(0),
  annualPricePaise: z.number().int().min(0),
  entitlements: entitlementsSchema,
  /** The plan a tenant with no subscription (and no snapshot yet) is held to. */
  default: z.boolean(),
});
export type PlanView = z.infer<typeof planViewSchema>;

export const subscriptionViewSchema = z.object({
  planKey: z.string(),
  interval: z.enum(BillingIntervals),
  status: z.enum(SubscriptionStatuses),
  writable: z.boolean(),
  trialEndsAt: z.iso.datetime().nullable(),
  currentPeriodStart: z.iso.datetime(),
  currentPeriodEnd: z.iso.datetime(),
  /** A downgrade or interval change waiting for the period end. */
  pendingChange: z.object({ planKey: z.string(), interval: z.enum(BillingIntervals) }).nullable(),
  cancelAtPeriodEnd: z.boolean(),
  /** The charge awaiting payment (the last renewal or upgrade invoice), if any. */
  openInvoiceId: z.uuid().nullable(),
  graceEndsAt: z.iso.datetime().nullable(),
  restrictedAt: z.iso.datetime().nullable(),
  cancelledAt: z.iso.datetime().nullable(),
  /** The invoice issued by this request (an upgrade's prorated charge), when there is one. */
  invoiceId: z.uuid().nullable().optional(),
  entitlements: entitlementsSchema,
});
export type SubscriptionView = z.infer<typeof subscriptionViewSchema>;

export const changeSubscriptionSchema = z.strictObject({
  planKey: z.string().min(1).max(40),
  interval: z.enum(BillingIntervals),
  /** The tenant's details for its tax invoices; needed once, before the first paid charge. */
  billingDetails: invoiceRecipientSchema.optional(),
});

export const cancelSubscriptionSchema = z.strictObject({
  /** `now` ends it at once; `period_end` (default) lets the paid period run out. */
  when: z.enum(['now', 'period_end']).default('period_end'),
});

export const usageViewSchema = z.object({
  planKey: z.string(),
  period: z.object({ start: z.iso.datetime(), end: z.iso.datetime() }),
  items: z.array(
    z.object({
      limit: z.enum(EntitlementLimits),
      /** Null where billing does not meter it (counted where it is used: customers, seats). */
      used: z.number().int().min(0).nullable(),
      max: z.number().int().min(0).nullable(),
    }),
  ),
});

export const UsageMetrics = ['messages', 'storageBytes'] as const;

/** The most bytes a storage reading may name (1 PiB): far past any plan, inside a safe integer. */
export const MAX_STORAGE_BYTES = 2 ** 50;

/**
 * A usage event. `messages` counts (quantity ≥ 1, summed over the month); `storageBytes` is a reading
 * (the bytes the tenant's documents hold at `occurredAt`, 0 when none): the latest reading is the usage.
 */
export const recordUsageSchema = z
  .strictObject({
    /** The event's own ID: a repeated event (redelivery, retry) never counts twice. */
    eventId: z.uuid(),
    tenantId: z.uuid(),
    metric: z.enum(UsageMetrics),
    quantity: z.number().int().min(0).max(MAX_STORAGE_BYTES),
    occurredAt: z.iso.datetime(),
  })
  .refine((e) => e.metric !== 'messages' || (e.quantity >= 1 && e.quantity <= 1_000_000), {
    path: ['quantity'],
    message: 'a messages event counts 1 to 1,000,000 messages',
  });

/** One usage event on `billing.usage.v1` (the same fields as `billing.usage.record`). */
export const usageEventSchema = recordUsageSchema;
export type UsageEventMessage = z.infer<typeof usageEventSchema>;

/** The most events one batch record on `billing.usage.v1` may carry. */
export const MAX_USAGE_BATCH = 1000;

/**
 * Many `messages` events of one tenant in one record on `billing.usage.v1` (a sender's chunk): each ID
 * is an event of quantity 1, counted once like a single event's ID (a batch repeated, or overlapping an
 * earlier one, adds only the IDs not seen before). One record instead of one per message: one seal and
 * one broker record for a chunk.
 */
export const usageEventBatchSchema = z.strictObject({
  eventIds: z.array(z.uuid()).min(1).max(MAX_USAGE_BATCH),
  tenantId: z.uuid(),
  metric: z.literal('messages'),
  occurredAt: z.iso.datetime(),
});
export type UsageEventBatchMessage = z.infer<typeof usageEventBatchSchema>;

/** What a record on `billing.usage.v1` holds: one event, or a batch of `messages` events. */
export const usageRecordSchema = z.union([usageEventSchema, usageEventBatchSchema]);
export type UsageRecordMessage = z.infer<typeof usageRecordSchema>;

export const recordSubscriptionPaymentSchema = z.strictObject({
  tenantId: z.uuid(),
  invoiceId: z.uuid(),
  orderId: z.string().min(1).max(60),
  status: z.enum(['paid', 'failed']),
  amountPaise: z.number().int().min(0),
  at: z.iso.datetime(),
});

export const subscriptionTickSchema = z.strictObject({
  /** The billing clock's time for this tick (development and test only; production ticks on its own clock). */
  at: z.iso.datetime(),
  /** Only this tenant's subscription (suites share one platform: a far-future tick must not move the others'). */
  tenantId: z.uuid().optional(),
});
export const subscriptionTickResultSchema = z.object({ changed: z.number().int().min(0) });
