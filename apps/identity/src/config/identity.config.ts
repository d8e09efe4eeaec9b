import { z } from 'zod';
import { baseConfigSchema, port } from '@lekha/runtime';

export const identityConfigSchema = baseConfigSchema.extend({
  IDENTITY_PORT: port(3101),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(30),
  JWT_ISSUER: z.string().min(1).default('lekha-identity'),
  JWT_AUDIENCE: z.string().min(1).default('lekha'),
});
export type IdentityConfig = z.infer<typeof identityConfigSchema>;
export const IDENTITY_CONFIG = Symbol('IDENTITY_CONFIG');
