import type { PersonalDataDeclaration } from '@lekha/contracts';

/** What billing holds about a tenant's customers, table by table; its rights handler answers from these. */
export const BILLING_PERSONAL_DATA: readonly PersonalDataDeclaration[] = [
  {
    table: 'billing.ledger_accounts',
    what: 'ledger account',
    category: 'user.financial',
    purpose: 'what you owe the business and what you paid (its books)',
    principalColumn: 'customer_id',
  },
  {
    table: 'billing.ledger_entries',
    what: 'ledger entry',
    category: 'user.financial',
    purpose: 'each charge and payment on your account (kept as the law requires)',
    principalColumn: 'account_id',
    partOf: 'billing.ledger_accounts',
  },
  {
    table: 'billing.invoices',
    what: 'platform invoice',
    category: 'business.operational',
    purpose: 'Lekha’s GST invoices to the tenant',
    principalColumn: null,
    notCustomers: 'invoices to the tenant itself (its GSTIN and address), not to its customers',
  },
  {
    table: 'billing.customer_invoices',
    what: 'invoice from the business',
    category: 'user.financial',
    purpose: 'the business’s invoices to you (GST records, kept 72 months)',
    principalColumn: 'customer_id',
  },
  {
    table: 'billing.customer_payments',
    what: 'payment against an invoice',
    category: 'user.financial',
    purpose: 'what you paid against each invoice',
    principalColumn: 'invoice_id',
    partOf: 'billing.customer_invoices',
  },
  {
    table: 'billing.payment_orders',
    what: 'platform payment order',
    category: 'business.operational',
    purpose: 'the tenant’s payments of Lekha’s invoices',
    principalColumn: null,
    notCustomers: 'the tenant paying the platform (Razorpay orders), not its customers',
  },
];
