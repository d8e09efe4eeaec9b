import { z } from 'zod';
import { isIP } from 'node:net';
import { baseConfigSchema, port } from '@lekha/runtime';

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** `10.0.0.1`, `10.0.0.0/8`, `fd00::/8` or one of Express's names for a range. */
function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (!family || rest.length) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

export const gatewayConfigSchema = baseConfigSchema.extend({
  GATEWAY_PORT: port(3000),
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(10000),
  /** How long a tenant's transit key is kept in memory before it is asked for again (erasure ends it within this). */
  TRANSIT_KEY_TTL_MS: z.coerce.number().int().min(1000).max(3600000).default(60000),
  /** How often the in-memory reply key pair is replaced; replies sealed to an older pair become unreadable. */
  REPLY_KEY_ROTATE_MS: z.coerce.number().int().min(10000).max(86400000).default(600000),
  BODY_LIMIT: z
    .string()
    .regex(/^\d+(kb|mb)$/, 'must look like 100kb or 1mb')
    .default('100kb'),
  JWT_ISSUER: z.string().min(1).default('lekha-identity'),
  JWT_AUDIENCE: z.string().min(1).default('lekha'),
  /** How many proxies stand in front of the gateway; 0: the socket's address, X-Forwarded-For ignored. */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** Addresses or CIDRs of the trusted proxies (comma-separated; or loopback, linklocal, uniquelocal); beats hops. */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine(
      (list) => list.every(isProxyAddress),
      'must be comma-separated IP addresses or CIDRs (or loopback, linklocal, uniquelocal)',
    ),
  /**
   * Outside production only: the secret that opens the development inbox from this machine
   * (`lekha dev` makes a new one at every start and prints it). Unset: only a platform admin may read it.
   */
  DEV_INBOX_SECRET: z.string().min(24, 'must be at least 24 characters').max(200).optional(),
  /** Live audit tails (server-sent events) open at once: per tenant (the platform's own count as one), and in all. */
  AUDIT_STREAMS_PER_TENANT: z.coerce.number().int().min(1).max(1000).default(5),
  AUDIT_STREAMS_MAX: z.coerce.number().int().min(1).max(100_000).default(200),
  /** Refused tokens audited one by one per client address and window; the rest are counted in one summary event. */
  AUTH_DENIALS_AUDITED_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(5),
  /** Refused tokens audited one by one per window over all addresses. */
  AUTH_DENIALS_AUDITED_PER_WINDOW: z.coerce.number().int().min(1).max(1_000_000).default(300),
  /**
   * The public base URL the providers post webhooks to (as configured at each provider): the URL a
   * Twilio signature covers is this plus the path. Default: the gateway's own address.
   */
  PUBLIC_WEBHOOK_BASE_URL: z.url().optional(),
  AUTH_DENIAL_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
