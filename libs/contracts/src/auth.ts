import { z } from 'zod';
import { normalizePhone } from './phone.js';
import { isValidGstin } from './gstin.js';

export const phoneSchema = z
  .string()
  .max(30)
  .transform((value, ctx) => {
    const phone = normalizePhone(value);
    if (!phone) {
      ctx.addIssue({ code: 'custom', message: 'must be a phone number (Indian numbers as typed, others in +E.164)' });
      return z.NEVER;
    }
    return phone;
  });

export const emailSchema = z
  .email()
  .max(254)
  .transform((v) => v.trim().toLowerCase());
export const STATE_CODE = /^(0[1-9]|[1-3][0-9])$/;

export const signupRequestSchema = z.strictObject({
  business: z.strictObject({
    name: z.string().trim().min(1).max(200),
    stateCode: z.string().regex(STATE_CODE, 'must be a two-digit GST state code'),
    gstin: z
      .string()
      .trim()
      .toUpperCase()
      .refine(isValidGstin, 'must be a valid GSTIN (format and check character)')
      .optional(),
  }),
  owner: z.strictObject({
    name: z.string().trim().min(1).max(200),
    email: emailSchema,
    phone: phoneSchema,
    password: z.string().min(10, 'must be at least 10 characters').max(256),
    ageConfirmed: z.boolean(),
  }),
});
export type SignupRequest = z.infer<typeof signupRequestSchema>;

export const loginRequestSchema = z
  .strictObject({
    email: emailSchema.optional(),
    phone: phoneSchema.optional(),
    password: z.string().min(1).max(256),
  })
  .refine((v) => (v.email === undefined) !== (v.phone === undefined), {
    message: 'give exactly one of email or phone',
  });
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const refreshRequestSchema = z.strictObject({ refreshToken: z.string().min(20).max(200) });
export type RefreshRequest = z.infer<typeof refreshRequestSchema>;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}
export interface SignupResult extends TokenPair {
  tenantId: string;
  userId: string;
}
export interface MeResult {
  userId: string;
  /** Null for a platform user (support, compliance, admin), who belongs to no tenant. */
  tenant: { id: string; name: string; stateCode: string } | null;
  roles: string[];
  name: string;
}
/** Claims of an access token beyond the registered ones. */
export interface AccessClaims {
  sub: string;
  /** The tenant; null for a platform user (the token then carries no `tid` and only platform roles). */
  tid: string | null;
  roles: string[];
  sid: string;
  /** 'api_key' when the token was exchanged for an API key: `sub` is then the key's ID and `sid` its revocation ID. */
  act?: 'api_key' | 'support';
  /**
   * An API key's scopes: the permissions it may use (its creator's roles must still allow them); for
   * `act: 'support'` (a support grant's token, `sid` the grant's ID) the grant scope's permissions.
   */
  scp?: string[];
}
