import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly variable: string, detail: string) {
    super(`${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}

const brokersSchema = z
  .string()
  .min(1)
  .transform((s) => s.split(',').map((b) => b.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[\w.-]+:\d{1,5}$/, 'each broker must be host:port')).min(1));

const base64Key = z.string().refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded');

/** Variables every service reads. A service adds its own with `extend`. */
export const baseConfigSchema = z.object({
  LEKHA_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KAFKA_BROKERS: brokersSchema,
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  LEKHA_DATA_DIR: z.string().min(1).default('.data'),
  LEKHA_MASTER_KEY: base64Key.optional(),
  LEKHA_MASTER_KEY_FILE: z.string().min(1).optional(),
  /** This service's own Ed25519 key (PKCS#8 PEM) that signs every audit record it produces. */
  AUDIT_SIGNING_KEY_FILE: z.string().min(1),
});

export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** Parses the environment; the first problem is reported as one line naming the variable. */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  const detail = issue.code === 'invalid_type' && cleaned[variable] === undefined ? 'is required but not set' : `is invalid: ${issue.message}`;
  throw new ConfigError(variable, detail);
}
