import { z } from 'zod';
import { baseConfigSchema, port } from '@lekha/runtime';

const int = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

export const identityConfigSchema = baseConfigSchema.extend({
  IDENTITY_PORT: port(3101),
  ACCESS_TOKEN_TTL_SECONDS: int(60, 3600, 900),
  REFRESH_TOKEN_TTL_DAYS: int(1, 90, 30),
  JWT_ISSUER: z.string().min(1).default('lekha-identity'),
  JWT_AUDIENCE: z.string().min(1).default('lekha'),
  // Brute force: sign-in attempts per login identifier (known or not) and per client IP within a
  // window; past the limit the identifier or IP is locked out for LOGIN_LOCKOUT_SECONDS.
  LOGIN_MAX_FAILURES_PER_ACCOUNT: int(1, 100, 5),
  LOGIN_MAX_FAILURES_PER_IP: int(1, 10_000, 50),
  LOGIN_FAILURE_WINDOW_SECONDS: int(10, 86_400, 900),
  LOGIN_LOCKOUT_SECONDS: int(1, 86_400, 900),
  // Past LOGIN_MAX_FAILURES_PER_IP an IP's failures are answered 429 with a backoff that doubles
  // with each one up to this; a correct password (or code) for an identifier not itself locked
  // still signs in, so a shared address (NAT, proxy) cannot lock everyone behind it out.
  LOGIN_IP_BACKOFF_MAX_SECONDS: int(1, 86_400, 900),
  // Signups per client IP within the window (each costs a password hash and a keyset).
  SIGNUP_MAX_PER_IP: int(1, 100_000, 10),
  SIGNUP_WINDOW_SECONDS: int(60, 86_400, 3600),
  // Phone OTP: codes live 5 minutes and allow 5 guesses. Codes and reset tokens: at most
  // OTP_MAX_SENDS_PER_WINDOW per phone or email and client IP, OTP_MAX_SENDS_PER_IDENTIFIER per
  // phone or email from all IPs, and OTP_MAX_UNKNOWN_PER_IP requests for identifiers without an
  // account per IP, each per OTP_SEND_WINDOW_SECONDS (budgets refill evenly, they never lock).
  OTP_TTL_SECONDS: int(60, 900, 300),
  OTP_MAX_ATTEMPTS: int(1, 10, 5),
  OTP_MAX_SENDS_PER_WINDOW: int(1, 20, 3),
  OTP_MAX_SENDS_PER_IDENTIFIER: int(1, 100, 10),
  OTP_MAX_UNKNOWN_PER_IP: int(1, 100_000, 20),
  OTP_SEND_WINDOW_SECONDS: int(60, 86_400, 900),
  PASSWORD_RESET_TTL_MINUTES: int(5, 1440, 30),
  INVITATION_TTL_HOURS: int(1, 720, 72),
  // Invitations are messages the platform sends: at most this many per tenant and per recipient
  // (whichever tenants invite them) within INVITATION_SEND_WINDOW_SECONDS; revoked ones count too.
  INVITATION_MAX_SENDS_PER_TENANT: int(1, 10_000, 20),
  INVITATION_MAX_SENDS_PER_RECIPIENT: int(1, 100, 3),
  INVITATION_SEND_WINDOW_SECONDS: int(60, 30 * 86_400, 86_400),
  // The first platform admin, created at start when no account has this email. The password comes
  // from a file (a mounted secret), never from the command line or the environment itself.
  PLATFORM_ADMIN_EMAIL: z
    .email()
    .max(254)
    .transform((v) => v.trim().toLowerCase())
    .optional(),
  PLATFORM_ADMIN_PASSWORD_FILE: z.string().min(1).optional(),
  PLATFORM_ADMIN_NAME: z.string().trim().min(1).max(200).default('Platform administrator'),
  // Signing keys: a new key after this many hours; every instance re-reads the newest key, rotates
  // when due and retires superseded keys every SIGNING_KEY_CHECK_SECONDS. A superseded key stays
  // in the JWKS for ACCESS_TOKEN_TTL_SECONDS plus SIGNING_KEY_GRACE_SECONDS (more than one check).
  SIGNING_KEY_ROTATE_AFTER_HOURS: int(1, 8760, 720),
  SIGNING_KEY_CHECK_SECONDS: int(1, 3600, 30),
  // An erasure order not yet confirmed by every service is put on the bus again after this long
  // (a service down longer than the topic's retention, or whose offsets were reset, still gets it).
  ERASURE_REPUBLISH_SECONDS: int(1, 7 * 24 * 3600, 3600),
  SIGNING_KEY_GRACE_SECONDS: int(0, 86_400, 300),
});
export type IdentityConfig = z.infer<typeof identityConfigSchema>;
