import { z } from 'zod';
import { baseConfigSchema, port } from '@lekha/runtime';

export const billingConfigSchema = baseConfigSchema.extend({
  BILLING_PORT: port(3103),
});
export type BillingConfig = z.infer<typeof billingConfigSchema>;
