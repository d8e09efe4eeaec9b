import { z } from 'zod';
import { baseConfigSchema, port } from '@lekha/runtime';

export const gatewayConfigSchema = baseConfigSchema.extend({
  GATEWAY_PORT: port(3000),
  GATEWAY_HOST: z.string().min(1).default('127.0.0.1'),
  RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60000).default(10000),
  BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/, 'must look like 100kb or 1mb').default('100kb'),
  JWT_ISSUER: z.string().min(1).default('lekha-identity'),
  JWT_AUDIENCE: z.string().min(1).default('lekha'),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
