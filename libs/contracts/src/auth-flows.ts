import { z } from 'zod';
import { emailSchema, phoneSchema } from './auth.js';

/** Passwords: at least 10 characters (NIST 800-63B asks for 8; we ask for a passphrase), at most 256. */
export const passwordSchema = z.string().min(10, 'must be at least 10 characters').max(256);

/** Exactly one login identifier. */
export const identifierSchema = z
  .strictObject({ email: emailSchema.optional(), phone: phoneSchema.optional() })
  .refine((v) => (v.email === undefined) !== (v.phone === undefined), {
    message: 'give exactly one of email or phone',
  });
export type Identifier = z.infer<typeof identifierSchema>;

export const otpRequestSchema = z.strictObject({ phone: phoneSchema });
export type OtpRequest = z.infer<typeof otpRequestSchema>;

export const otpVerifySchema = z.strictObject({
  phone: phoneSchema,
  code: z.string().regex(/^\d{6}$/, 'must be the 6-digit code'),
});
export type OtpVerify = z.infer<typeof otpVerifySchema>;

export const passwordResetRequestSchema = identifierSchema;
export type PasswordResetRequest = Identifier;

export const passwordResetConfirmSchema = z.strictObject({
  token: z.string().min(20).max(200),
  password: passwordSchema,
});
export type PasswordResetConfirm = z.infer<typeof passwordResetConfirmSchema>;

/** The same answer whether or not an account exists, so the endpoint cannot be used to enumerate. */
export interface AcceptedResult {
  accepted: true;
}

/**
 * Internal: what identity tells the gateway it revoked, so the gateway stops those tokens at once.
 * API keys' IDs are among them: a key's ID is the `sid` of its access tokens.
 */
export interface RevokedSessions {
  revokedSessionIds: string[];
}

/** "Sign out everywhere else": the other sessions ended, and the API keys the person created, revoked with them. */
export interface RevokedOtherSessions {
  revoked: number;
  revokedApiKeys: number;
}
