import { z } from 'zod';
import { operation } from '../operation.js';
import {
  otpRequestSchema,
  otpVerifySchema,
  passwordResetConfirmSchema,
  passwordResetRequestSchema,
} from '../auth-flows.js';
import { loginResultSchema, revokedSessionIdsSchema } from './auth.js';

/** The same answer whether or not an account exists, so the operation cannot be used to enumerate. */
export const acceptedResultSchema = z.object({ accepted: z.literal(true) });

const RETRY_AFTER = 'a refusal over a budget or a lockout sets Retry-After';

/**
 * Sign-in with a code sent by SMS, and password reset: both deliver a secret through notifications,
 * both are open to anyone (they are how a caller without a password gets back in), and their routes
 * stay hand-written for Retry-After and the revocation list.
 */
export const AuthFlowOps = {
  otpRequest: operation({
    name: 'identity.otp.request',
    request: otpRequestSchema,
    response: acceptedResultSchema,
    access: 'public',
    audit: { action: 'create', resourceType: 'otp_challenge' },
    summary: 'Send a 6-digit sign-in code by SMS (the same answer whether or not the phone has an account)',
    internal: `POST v1/auth/otp/request is hand-written: ${RETRY_AFTER}`,
  }),
  otpVerify: operation({
    name: 'identity.otp.verify',
    request: otpVerifySchema,
    response: loginResultSchema,
    access: 'public',
    audit: { action: 'login', resourceType: 'session' },
    summary: 'Sign in with the code: single use, 5 minutes, limited attempts',
    internal: `POST v1/auth/otp/verify is hand-written: ${RETRY_AFTER}`,
  }),
  passwordResetRequest: operation({
    name: 'identity.password-reset.request',
    request: passwordResetRequestSchema,
    response: acceptedResultSchema,
    access: 'public',
    audit: { action: 'create', resourceType: 'password_reset' },
    summary: 'Send a single-use reset token to the email or phone (the same answer whether or not it has an account)',
    internal: `POST v1/auth/password-reset/request is hand-written: ${RETRY_AFTER}`,
  }),
  passwordResetConfirm: operation({
    name: 'identity.password-reset.confirm',
    request: passwordResetConfirmSchema,
    response: z.object({ reset: z.literal(true), revokedSessionIds: revokedSessionIdsSchema }),
    access: 'public',
    audit: { action: 'update', resourceType: 'password_reset' },
    summary: 'Set a new password with the token; every session of the account ends',
    internal:
      'POST v1/auth/password-reset/confirm is hand-written: the ended sessions go on the gateway’s revocation list',
  }),
} as const;
