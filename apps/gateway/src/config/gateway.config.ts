import { z } from 'zod';
import { baseConfigSchema, port } from '@lekha/runtime';

export const gatewayConfigSchema = baseConfigSchema.extend({
  GATEWAY_PORT: port(3000),
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(10000),
  /** How long a tenant's transit key is kept in memory before it is asked for again (erasure ends it within this). */
  TRANSIT_KEY_TTL_MS: z.coerce.number().int().min(1000).max(3600000).default(60000),
  /** How often the in-memory reply key pair is replaced; replies sealed to an older pair become unreadable. */
  REPLY_KEY_ROTATE_MS: z.coerce.number().int().min(10000).max(86400000).default(600000),
  BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/, 'must look like 100kb or 1mb').default('100kb'),
  JWT_ISSUER: z.string().min(1).default('lekha-identity'),
  JWT_AUDIENCE: z.string().min(1).default('lekha'),
  /**
   * Outside production only: the secret that opens the development inbox from this machine
   * (`lekha dev` makes a new one at every start and prints it). Unset: only a platform admin may read it.
   */
  DEV_INBOX_SECRET: z.string().min(24, 'must be at least 24 characters').max(200).optional(),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
