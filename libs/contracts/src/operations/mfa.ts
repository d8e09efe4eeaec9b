import { z } from 'zod';
import { operation } from '../operation.js';
import { mfaConfirmSchema, mfaDisableSchema, mfaEnrollSchema, mfaVerifySchema } from '../mfa-api-keys.js';

const RETRY_AFTER = 'a refusal over the guess limit sets Retry-After';
// Not personOnly: every signed-in person manages their own factor (no permission to check), and the
// use case refuses an API key (audited) before anything else.
const OWN = 'authenticated';

/**
 * The TOTP second factor of the signed-in person (enrol, confirm, disable) and the second step of a
 * sign-in. Every route stays hand-written: each guess counts toward the per-user lockout, whose
 * refusal (429) carries Retry-After, which a derived route cannot set.
 */
export const MfaOps = {
  enroll: operation({
    name: 'identity.mfa.enroll',
    request: mfaEnrollSchema,
    response: z.object({ secret: z.string(), otpauthUri: z.string() }),
    access: OWN,
    audit: { action: 'create', resourceType: 'mfa_factor' },
    summary:
      'Start TOTP enrolment (password re-entered): the secret and otpauth:// URI, shown once; pending until confirmed',
    internal: `POST v1/security/mfa/totp/enroll is hand-written: ${RETRY_AFTER}`,
  }),
  confirm: operation({
    name: 'identity.mfa.confirm',
    request: mfaConfirmSchema,
    response: z.object({ enabled: z.literal(true), recoveryCodes: z.array(z.string()) }),
    access: OWN,
    audit: { action: 'update', resourceType: 'mfa_factor' },
    summary: 'Turn TOTP on with a first code; returns ten single-use recovery codes, shown once',
    internal: `POST v1/security/mfa/totp/confirm is hand-written: ${RETRY_AFTER}`,
  }),
  disable: operation({
    name: 'identity.mfa.disable',
    request: mfaDisableSchema,
    response: z.object({ disabled: z.literal(true) }),
    access: OWN,
    audit: { action: 'delete', resourceType: 'mfa_factor' },
    summary: 'Turn TOTP off: password and a current code or a recovery code',
    internal:
      'DELETE v1/security/mfa/totp is hand-written: it takes a body (a derived DELETE has none), and ' + RETRY_AFTER,
  }),
  verify: operation({
    name: 'identity.mfa.verify',
    request: mfaVerifySchema,
    response: z.object({ accessToken: z.string(), refreshToken: z.string(), expiresIn: z.number().int() }),
    // Anyone holding a challenge token from the first factor: the token is the proof.
    access: 'public',
    audit: { action: 'login', resourceType: 'mfa_challenge' },
    summary:
      'Second step of a sign-in: the mfaToken from login (or SMS code sign-in) and a TOTP or recovery code; ' +
      'returns tokens',
    internal: `POST v1/auth/mfa/verify is hand-written: ${RETRY_AFTER} (a locked user or a throttled IP)`,
  }),
} as const;
