import { z } from 'zod';
import type { TokenPair } from './auth.js';

/** A 6-digit TOTP code (RFC 6238). */
export const totpCodeSchema = z.string().regex(/^\d{6}$/, 'must be the 6-digit code from the authenticator app');
/** A recovery code as shown at confirmation (`xxxxx-xxxxx`); case and dashes are forgiven. */
export const recoveryCodeSchema = z
  .string()
  .trim()
  .min(8)
  .max(32)
  .regex(/^[A-Za-z0-9-]+$/, 'must be a recovery code');

export const mfaEnrollSchema = z.strictObject({ password: z.string().min(1).max(256) });
export type MfaEnrollRequest = z.infer<typeof mfaEnrollSchema>;
export interface MfaEnrollResult {
  /** Base32, shown once; the authenticator app stores it. */
  secret: string;
  otpauthUri: string;
}

export const mfaConfirmSchema = z.strictObject({ code: totpCodeSchema });
export type MfaConfirmRequest = z.infer<typeof mfaConfirmSchema>;
export interface MfaConfirmResult {
  enabled: true;
  /** Ten single-use codes, shown once; stored only as keyed hashes. */
  recoveryCodes: string[];
}

export const mfaDisableSchema = z
  .strictObject({
    password: z.string().min(1).max(256),
    code: totpCodeSchema.optional(),
    recoveryCode: recoveryCodeSchema.optional(),
  })
  .refine((v) => (v.code === undefined) !== (v.recoveryCode === undefined), {
    message: 'give exactly one of code or recoveryCode',
  });
export type MfaDisableRequest = z.infer<typeof mfaDisableSchema>;

/** What a sign-in answers instead of tokens when the account has a second factor. */
export interface MfaChallenge {
  mfaRequired: true;
  /** Opaque, single use, 5 minutes. */
  mfaToken: string;
}
export type LoginResult = TokenPair | MfaChallenge;

export const mfaVerifySchema = z
  .strictObject({
    mfaToken: z.string().min(20).max(200),
    code: totpCodeSchema.optional(),
    recoveryCode: recoveryCodeSchema.optional(),
  })
  .refine((v) => (v.code === undefined) !== (v.recoveryCode === undefined), {
    message: 'give exactly one of code or recoveryCode',
  });
export type MfaVerifyRequest = z.infer<typeof mfaVerifySchema>;

/** API keys: `lk_live_` and 43 base64url characters (256 bits). */
export const API_KEY_PREFIX = 'lk_live_';
export const API_KEY_PATTERN = /^lk_live_[A-Za-z0-9_-]{43}$/;

export const createApiKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(z.string().regex(/^[a-z_]+(:[a-z_]+)*$/, 'must be a permission name'))
    .min(1)
    .max(50),
});
export type CreateApiKeyRequest = z.infer<typeof createApiKeySchema>;

export interface ApiKeyView {
  id: string;
  name: string;
  /** The first characters of the key, to tell keys apart; never enough to use it. */
  prefix: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
export interface CreatedApiKey extends ApiKeyView {
  /** Shown once; only a keyed hash is stored. */
  key: string;
}

export const apiKeyIdParamSchema = z.strictObject({ id: z.uuid() });

/** Gateway → identity: an API key for a short-lived access token. */
export const exchangeApiKeySchema = z.strictObject({ key: z.string().min(1).max(200) });
export interface ExchangedApiKey {
  accessToken: string;
  expiresIn: number;
}
