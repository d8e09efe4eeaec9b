import { z } from 'zod';

export const sessionIdParamSchema = z.strictObject({ id: z.uuid() });

/** A session is one refresh-token family: one sign-in on one device. */
export interface SessionView {
  id: string;
  /** The user agent seen at sign-in (stored encrypted). */
  device: string | null;
  /** The IP address seen at sign-in (stored encrypted). */
  ip: string | null;
  firstSeenAt: string;
  lastSeenAt: string;
  current: boolean;
}

export const LoginEventKinds = [
  'login',
  'login_failed',
  'login_locked',
  'otp_requested',
  'otp_login',
  'otp_failed',
  'password_reset_requested',
  'password_reset',
  'session_revoked',
  'token_reuse',
  'invitation_accepted',
  'user_deactivated',
  'role_changed',
  'mfa_enrollment_started',
  'mfa_enabled',
  'mfa_disabled',
  'mfa_challenged',
  'mfa_login',
  'mfa_failed',
  'mfa_recovery_code_used',
] as const;
export type LoginEventKind = (typeof LoginEventKinds)[number];

export const loginHistoryQuerySchema = z.strictObject({
  userId: z.uuid().optional(),
  cursor: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
export type LoginHistoryQuery = z.infer<typeof loginHistoryQuerySchema>;

export interface LoginEventView {
  id: string;
  userId: string | null;
  kind: LoginEventKind;
  sessionId: string | null;
  ip: string | null;
  device: string | null;
  at: string;
}

/**
 * A tenant's standing, kept by identity: `cancelled` (by its owner or by billing; until reactivated or
 * purged) outweighs `restricted` (billing: unpaid past the grace period; until paid). Both are read-only:
 * the gateway refuses their writes, 403 TENANT_READ_ONLY or 402 BILLING_TENANT_RESTRICTED.
 */
export const TenantStandings = ['active', 'restricted', 'cancelled'] as const;
export type TenantStanding = (typeof TenantStandings)[number];
export interface ReadOnlyTenant {
  tenantId: string;
  reason: Exclude<TenantStanding, 'active'>;
}

/** Gateway → identity: sessions revoked since a point in time (ms since epoch). */
export const revocationsQuerySchema = z.strictObject({ sinceMs: z.number().int().min(0).optional() });
export interface RevocationsResult {
  sessionIds: string[];
  /** Tenants erased since then: every token of theirs is refused. */
  tenantIds: string[];
  /** Every tenant that may not write (cancelled and not purged, or restricted by billing), with why. */
  readOnlyTenants?: ReadOnlyTenant[];
  /** Server time of this answer; the next poll asks from a little before it. */
  asOfMs: number;
}
