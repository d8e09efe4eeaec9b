import { z } from 'zod';
import { baseConfigSchema, port } from '@lekha/runtime';

export const billingConfigSchema = baseConfigSchema.extend({
  BILLING_PORT: port(3103),
  // The platform as supplier on its tax invoices (CGST Rule 46): GSTIN, legal name, address, state.
  BILLING_SUPPLIER_GSTIN: z.string().length(15).default('27AAPFU0939F1ZV'),
  BILLING_SUPPLIER_LEGAL_NAME: z.string().min(1).default('Lekha Software Private Limited'),
  BILLING_SUPPLIER_TRADE_NAME: z.string().min(1).default('Lekha'),
  BILLING_SUPPLIER_ADDRESS: z.string().min(1).default('4th Floor, Baner Road'),
  BILLING_SUPPLIER_CITY: z.string().min(1).default('Pune'),
  BILLING_SUPPLIER_PIN: z
    .string()
    .regex(/^[1-9]\d{5}$/)
    .default('411045'),
  BILLING_SUPPLIER_STATE: z
    .string()
    .regex(/^\d{2}$/)
    .default('27'),
  BILLING_SUPPLIER_EMAIL: z.email().default('billing@lekha.example'),
  // The SAC a line carries unless it names its own (SaaS: 998431, 998315 or 997331).
  BILLING_SAC: z
    .string()
    .regex(/^99\d{4}$/)
    .default('998431'),
  // The serial prefixes of the tax-invoice and credit-note series (1–4 letters or digits, not 0 first).
  BILLING_INVOICE_PREFIX: z
    .string()
    .regex(/^[A-Za-z1-9][A-Za-z0-9]{0,3}$/)
    .default('LK'),
  BILLING_CREDIT_NOTE_PREFIX: z
    .string()
    .regex(/^[A-Za-z1-9][A-Za-z0-9]{0,3}$/)
    .default('LKCN'),
  // Razorpay (payments of the platform's invoices). `npm start` points these at the provider simulator;
  // unset secrets leave payments off (an order is refused, every webhook is unverifiable).
  RAZORPAY_BASE_URL: z.url().default('https://api.razorpay.com'),
  RAZORPAY_KEY_ID: z.string().optional(),
  RAZORPAY_KEY_SECRET: z.string().optional(),
  // The webhook secret; during a rotation the old one too, comma-separated (retries of older events).
  RAZORPAY_WEBHOOK_SECRET: z.string().optional(),
  RAZORPAY_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(4000),
  // Subscriptions: trial length, days to pay after a failed renewal, days read-only before cancellation,
  // and how often the lifecycle tick runs (0: never on its own).
  BILLING_TRIAL_DAYS: z.coerce.number().int().min(0).max(90).default(14),
  BILLING_GRACE_DAYS: z.coerce.number().int().min(0).max(60).default(7),
  BILLING_RESTRICTED_DAYS: z.coerce.number().int().min(0).max(365).default(30),
  BILLING_TICK_MS: z.coerce.number().int().min(0).default(60_000),
});
export type BillingConfig = z.infer<typeof billingConfigSchema>;
