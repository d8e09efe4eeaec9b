import { z } from 'zod';
import { emailSchema, phoneSchema } from './auth.js';

export const createCustomerSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  phone: phoneSchema.optional(),
  email: emailSchema.optional(),
  notes: z.string().max(5000).optional(),
});
export type CreateCustomerRequest = z.infer<typeof createCustomerSchema>;

export const customerIdSchema = z.strictObject({ id: z.uuid() });

export const listCustomersSchema = z.strictObject({
  phone: phoneSchema.optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
export type ListCustomersRequest = z.infer<typeof listCustomersSchema>;

export interface CustomerView {
  id: string;
  name: string;
  phone: string | null;
  email: string | null;
  notes: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
