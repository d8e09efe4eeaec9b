import { z } from 'zod';

/**
 * Erasing a tenant: the owner re-enters the password and names the tenant (so a stolen session or
 * a slip of the hand cannot do it). Identity ends every session and API key at once; each service
 * then destroys its keyset for the tenant and deletes the tenant's rows, and says so on
 * `platform.events.v1`.
 */
export const eraseTenantSchema = z.strictObject({
  password: z.string().min(1).max(200),
  /** The tenant's own ID, typed back as confirmation. */
  confirmTenantId: z.uuid(),
});
export type EraseTenantInput = z.infer<typeof eraseTenantSchema>;

/** The services that hold tenant keysets or tenant-keyed data and confirm an erasure. */
export const ErasingServices = ['identity', 'tenant-data', 'notifications', 'compliance', 'billing'] as const;
export type ErasingService = (typeof ErasingServices)[number];

export interface TenantErasureStatus {
  tenantId: string;
  requestedAt: string;
  /** Each service's confirmation time, null while it has not confirmed. */
  services: Record<ErasingService, string | null>;
  complete: boolean;
}

/** Events on `platform.events.v1`: IDs and times only, never personal data. */
export const tenantErasureRequestedSchema = z.strictObject({
  type: z.literal('tenant.erasure.requested'),
  eventId: z.uuid(),
  tenantId: z.uuid(),
  requestedAt: z.iso.datetime(),
});
export const tenantErasureConfirmedSchema = z.strictObject({
  type: z.literal('tenant.erasure.confirmed'),
  eventId: z.uuid(),
  tenantId: z.uuid(),
  service: z.enum(ErasingServices),
  confirmedAt: z.iso.datetime(),
});
/**
 * Per-category retention: a cancelled tenant's customer data (customers, records, documents, messages,
 * consents) is erased ahead of its account data. Each service erases what it holds of that category (or
 * nothing) and confirms with what it erased; the tenant stays cancelled (read-only) and its keysets for
 * account data stay until the full purge.
 */
export const tenantCustomerDataErasureRequestedSchema = z.strictObject({
  type: z.literal('tenant.customer-data.erasure.requested'),
  eventId: z.uuid(),
  tenantId: z.uuid(),
  requestedAt: z.iso.datetime(),
});
export const tenantCustomerDataErasureConfirmedSchema = z.strictObject({
  type: z.literal('tenant.customer-data.erasure.confirmed'),
  eventId: z.uuid(),
  tenantId: z.uuid(),
  service: z.enum(ErasingServices),
  /** What this service erased (table or keyset names); empty when it holds no customer data. */
  erased: z.array(z.string().max(100)).max(50),
  /** What it keeps until the full purge because the law says so, with the reason. */
  retained: z.array(z.object({ category: z.string().max(100), reason: z.string().max(300) })).max(20),
  confirmedAt: z.iso.datetime(),
});
/**
 * A service has deleted what it held of one erased customer (tenant-data's `customer.erased` on
 * `tenant-data.events.v1`), so the data principal's rights can be shown done service by service.
 */
export const customerErasureConfirmedSchema = z.strictObject({
  type: z.literal('customer.erasure.confirmed'),
  eventId: z.uuid(),
  tenantId: z.uuid(),
  customerId: z.uuid(),
  service: z.enum(ErasingServices),
  /** How many rows of the customer this service deleted (0 on a repeated order). */
  deleted: z.number().int().min(0),
  confirmedAt: z.iso.datetime(),
});
/** Why a tenant was cancelled: its owner asked, or billing gave up after the grace period. */
export const TenantCancellationReasons = ['owner', 'non_payment'] as const;
export type TenantCancellationReason = (typeof TenantCancellationReasons)[number];
/**
 * A tenant has been cancelled (by its owner, or by billing on non-payment): it turns read-only with
 * export still allowed, and the retention clock that ends in its purge starts at `cancelledAt`.
 */
export const tenantCancelledSchema = z.strictObject({
  type: z.literal('tenant.cancelled'),
  eventId: z.uuid(),
  tenantId: z.uuid(),
  reason: z.enum(TenantCancellationReasons),
  cancelledAt: z.iso.datetime(),
});
/** A cancelled tenant was reactivated before its purge: the retention clock stops. */
export const tenantReactivatedSchema = z.strictObject({
  type: z.literal('tenant.reactivated'),
  eventId: z.uuid(),
  tenantId: z.uuid(),
  reactivatedAt: z.iso.datetime(),
});
/**
 * Billing has restricted the tenant (a payment unpaid past the grace period): identity records it in the
 * tenant's standing, and the gateways refuse its writes (402 BILLING_TENANT_RESTRICTED) until it is lifted.
 * Published from billing's outbox in the transaction that moves the subscription to `restricted`.
 */
export const tenantRestrictedSchema = z.strictObject({
  type: z.literal('tenant.restricted'),
  eventId: z.uuid(),
  tenantId: z.uuid(),
  restrictedAt: z.iso.datetime(),
});
/**
 * The tenant's restriction is over: paid (writable again), or the subscription was cancelled (the
 * `tenant.cancelled` before it, in the same transaction, is the standing that then applies).
 */
export const tenantRestrictionLiftedSchema = z.strictObject({
  type: z.literal('tenant.restriction.lifted'),
  eventId: z.uuid(),
  tenantId: z.uuid(),
  reason: z.enum(['paid', 'cancelled']),
  liftedAt: z.iso.datetime(),
});
/**
 * A business signed up: billing starts its sign-up trial from `signedUpAt` (once per tenant). Published
 * from the tenant row by identity (committed with the sign-up, so an outage delays it but never loses it).
 */
export const tenantSignedUpSchema = z.strictObject({
  type: z.literal('tenant.signed-up'),
  eventId: z.uuid(),
  tenantId: z.uuid(),
  signedUpAt: z.iso.datetime(),
});
export const platformEventSchema = z.discriminatedUnion('type', [
  tenantErasureRequestedSchema,
  tenantErasureConfirmedSchema,
  tenantCustomerDataErasureRequestedSchema,
  tenantCustomerDataErasureConfirmedSchema,
  customerErasureConfirmedSchema,
  tenantCancelledSchema,
  tenantReactivatedSchema,
  tenantRestrictedSchema,
  tenantRestrictionLiftedSchema,
  tenantSignedUpSchema,
]);
export type PlatformEvent = z.infer<typeof platformEventSchema>;
export type TenantErasureRequested = z.infer<typeof tenantErasureRequestedSchema>;
export type TenantErasureConfirmed = z.infer<typeof tenantErasureConfirmedSchema>;
export type TenantCustomerDataErasureConfirmed = z.infer<typeof tenantCustomerDataErasureConfirmedSchema>;
export type CustomerErasureConfirmed = z.infer<typeof customerErasureConfirmedSchema>;
export type TenantCancelled = z.infer<typeof tenantCancelledSchema>;
export type TenantReactivated = z.infer<typeof tenantReactivatedSchema>;
export type TenantRestricted = z.infer<typeof tenantRestrictedSchema>;
export type TenantRestrictionLifted = z.infer<typeof tenantRestrictionLiftedSchema>;
export type TenantSignedUp = z.infer<typeof tenantSignedUpSchema>;

export const tenantErasureStatusQuerySchema = z.strictObject({ tenantId: z.uuid() });
