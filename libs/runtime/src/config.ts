import { z } from 'zod';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}

const brokersSchema = z
  .string()
  .min(1)
  .transform((s) =>
    s
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[\w.-]+:\d{1,5}$/, 'each broker must be host:port')).min(1));

const base64Key = z.string().refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded');

/** Variables every service reads. A service adds its own with `extend`. */
export const baseConfigSchema = z.object({
  /**
   * Unset means production: development features (the development inbox) exist only when `lekha dev`
   * or the test harness turns them on explicitly, so a deployment that forgets the variable fails closed.
   */
  LEKHA_ENV: z.enum(['development', 'test', 'production']).default('production'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KAFKA_BROKERS: brokersSchema,
  /** How often a Kafka client retries a failed request before giving up (its own retry loop then goes on). */
  KAFKA_RETRIES: z.coerce.number().int().min(0).max(50).default(8),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  LEKHA_DATA_DIR: z.string().min(1).default('.data'),
  LEKHA_MASTER_KEY: base64Key.optional(),
  LEKHA_MASTER_KEY_FILE: z.string().min(1).optional(),
  /** Master keys being rotated out (comma-separated files): keysets wrapped under them are re-wrapped on first use. */
  LEKHA_MASTER_KEY_PREVIOUS_FILES: z.string().min(1).optional(),
  /** How long a service trusts a tenant keyset it loaded; a rotated data key starts encrypting after twice this. */
  KEY_CACHE_TTL_MS: z.coerce.number().int().min(100).max(3_600_000).default(60_000),
  /** This service's own Ed25519 key (PKCS#8 PEM) that signs every audit record it produces. */
  AUDIT_SIGNING_KEY_FILE: z.string().min(1),
  /** The platform bus key (32 bytes, base64) sealing every RPC request and reply; or a file holding it. */
  LEKHA_BUS_KEY: base64Key.optional(),
  LEKHA_BUS_KEY_FILE: z.string().min(1).optional(),
  /** Access-token claims every service checks when it verifies a caller's token itself. */
  JWT_ISSUER: z.string().min(1).default('lekha-identity'),
  JWT_AUDIENCE: z.string().min(1).default('lekha'),
});

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** Parses the environment; the first problem is reported as one line naming the variable. */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  const detail =
    issue.code === 'invalid_type' && cleaned[variable] === undefined
      ? 'is required but not set'
      : `is invalid: ${issue.message}`;
  throw new ConfigError(variable, detail);
}

/**
 * The warning every service logs at start when development features are on (LEKHA_ENV development
 * or test); null in production.
 */
export function developmentFeaturesWarning(env: 'development' | 'test' | 'production'): string | null {
  if (env === 'production') return null;
  return (
    `DEVELOPMENT FEATURES ARE ON (LEKHA_ENV=${env}): the development inbox holds every message sent, ` +
    'sign-in codes and reset tokens included. Never run a real deployment like this: ' +
    'unset LEKHA_ENV or set it to production.'
  );
}
