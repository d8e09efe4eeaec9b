import { z } from 'zod';
import { emailSchema } from './auth.js';
import { passwordSchema } from './auth-flows.js';

/** Roles of people who run the platform; they belong to no tenant (their tokens carry no `tid`). */
export const PlatformUserRoles = ['platform:support', 'platform:compliance', 'platform:admin'] as const;
export type PlatformUserRole = (typeof PlatformUserRoles)[number];

export const createPlatformUserSchema = z.strictObject({
  email: emailSchema,
  name: z.string().trim().min(1).max(200),
  role: z.enum(PlatformUserRoles),
  password: passwordSchema,
});
export type CreatePlatformUserRequest = z.infer<typeof createPlatformUserSchema>;

export const platformUserIdSchema = z.strictObject({ id: z.uuid() });

/**
 * Another platform admin resets a platform user who lost their password or authenticator: a new
 * password they pass on out of band, and/or the TOTP factor and recovery codes removed.
 */
export const resetPlatformUserSchema = z
  .strictObject({ password: passwordSchema.optional(), resetMfa: z.boolean().optional() })
  .refine((v) => v.password !== undefined || v.resetMfa === true, {
    message: 'give a new password, resetMfa: true, or both',
  });
export type ResetPlatformUserRequest = z.infer<typeof resetPlatformUserSchema>;

export interface PlatformUserReset {
  id: string;
  passwordReset: boolean;
  mfaReset: boolean;
}

export interface PlatformUserView {
  id: string;
  name: string;
  email: string;
  roles: string[];
  status: string;
  createdAt: string;
}

export interface ResetPlatformUserResult extends PlatformUserReset {
  /** Sessions the reset ended (the gateway stops their tokens at once). */
  revokedSessionIds: string[];
}

export interface DeactivatedPlatformUser {
  id: string;
  status: 'deactivated';
  /** Sessions ended by the deactivation (the gateway stops their tokens at once). */
  revokedSessionIds: string[];
}

export interface SigningKeyRotation {
  /** The key that signs new access tokens from now on. */
  kid: string;
  createdAt: string;
  /** Keys still published in the JWKS (the previous ones until they are retired). */
  publishedKids: string[];
}
