#!/usr/bin/env node
// Billing benchmark (no broker). In one run on one machine:
//   1. Razorpay webhook verifications/s: our constant-time check (libs/providers) beside the official SDK's
//      validateWebhookSignature (plain ===), on the same payment.captured body (~0.7 KB);
//   2. invoices finalised/s with BENCH_CALLERS (8) concurrent callers, each finalisation one transaction that
//      computes the GST figures, takes the next Rule 46 number of the series and stores the invoice — beside
//      plain inserts of the same rows with numbers given out in memory (no counter row), in the same run;
//      afterwards the series is checked: 1…N, no gap, no duplicate.
//   Store: BENCH_STORE=postgres (default; BENCH_DATABASE_URL or the local server) or pglite.
//   npm run build && node bench/billing/bench.mjs        BENCH_SECONDS (default 5) per measurement.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchDatabase, fmt, lib, log, root } from '../lib/harness.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CALLERS = Number(process.env.BENCH_CALLERS ?? 8);
const STORE = process.env.BENCH_STORE ?? 'postgres';

const { verifyRazorpayWebhook, razorpayWebhookSignature } = await lib('providers');
const { Database } = await lib('persistence');
const app = (path) => import(join(root, 'apps', 'billing', 'dist', path));
const { migrations } = await app('migrations/index.js');
const { InvoiceIssuer } = await app('invoices/invoice-issuer.js');
const { InvoiceRepository } = await app('invoices/invoice.repository.js');
const { InvoiceSeriesRepository } = await app('invoices/invoice-series.repository.js');
const { computeInvoice } = await app('invoices/gst.js');
const { financialYearOf } = await app('invoices/financial-year.js');
const { formatSerial } = await app('invoices/serial.js');
const { gstinCheckChar } = await lib('contracts');
const { validateWebhookSignature } = createRequire(join(root, 'package.json'))('razorpay/dist/utils/razorpay-utils');

// 1. Webhook verification.
const body = JSON.stringify({
  entity: 'event',
  account_id: 'acc_BFQ7uQEaa7j2z7',
  event: 'payment.captured',
  contains: ['payment'],
  payload: {
    payment: {
      entity: {
        id: 'pay_DESlfW9H8K9uqM',
        entity: 'payment',
        amount: 58882,
        currency: 'INR',
        status: 'captured',
        order_id: 'order_DESlLckIVRkHWj',
        method: 'upi',
        vpa: 'customer@okhdfcbank',
        upi: { payer_account_type: 'bank_account', vpa: 'customer@okhdfcbank', flow: 'intent' },
        acquirer_data: { rrn: '033814379298', upi_transaction_id: 'D0BED5A062EA4E1D8C8F1E5B6F1A2B3C' },
        captured: true,
        email: 'void@razorpay.com',
        contact: '+919000090000',
        notes: { invoice: 'LK/26-27/00042' },
        fee: 1178,
        tax: 180,
        created_at: 1767225600,
      },
    },
  },
  created_at: 1767225600,
});
const secret = randomBytes(24).toString('base64url');
const sig = razorpayWebhookSignature(secret, body);
function rate(fn) {
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) for (let i = 0; i < 1000; i++, n++) fn();
  return n / SECONDS;
}
log(`webhook verification, ${Buffer.byteLength(body)}-byte body, ${SECONDS} s each`);
const ours = rate(() => verifyRazorpayWebhook(secret, sig, body));
const sdk = rate(() => validateWebhookSignature(body, sig, secret));

// 2. Finalisation.
const dir = mkdtempSync(join(tmpdir(), 'lekha-bench-billing-'));
const database = await benchDatabase(STORE);
const { url } = database;
const db = await Database.open({
  schema: 'billing',
  entities: [],
  migrations,
  ...(url ? { url, poolMax: CALLERS + 2 } : { pgliteDir: join(dir, 'billing') }),
});
const issuer = new InvoiceIssuer(new InvoiceSeriesRepository(), new InvoiceRepository());
const invoices = new InvoiceRepository();
const supplierFirst14 = '27AAPFU0939F1Z';
const supplier = {
  legalName: 'Lekha Software Private Limited',
  gstin: supplierFirst14 + gstinCheckChar(supplierFirst14),
  address: { line1: 'Baner Road', city: 'Pune', pin: '411045', stateCode: '27' },
};
const recipientFirst14 = '29AABCT1234C1Z';
const input = {
  supplier,
  recipient: {
    legalName: 'Jal Mitra Water Services',
    gstin: recipientFirst14 + gstinCheckChar(recipientFirst14),
    address: { line1: '12 MG Road', city: 'Bengaluru', pin: '560001', stateCode: '29' },
  },
  lines: [
    { description: 'Growth plan, December 2026', sac: '998431', quantity: 1, unitPricePaise: 49_900 },
    { description: 'SMS pack (1,000 messages)', sac: '998431', quantity: 2, unitPricePaise: 25_000 },
  ],
};
const at = new Date('2026-12-01T06:00:00Z');

async function callers(fn) {
  let done = 0;
  const end = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (performance.now() < end) {
        await fn();
        done++;
      }
    }),
  );
  return { done, perSecond: done / ((performance.now() - started) / 1000) };
}

log(`finalisation on ${db.kind}, ${CALLERS} callers, ${SECONDS} s each`);
const finalised = await callers(() =>
  db.em().transactional((tx) => issuer.issue(tx, { tenantId: randomUUID(), input, prefix: 'BN', at })),
);
// Plain inserts of the same rows: figures computed, numbers from a counter in memory (prefix PL), no series row.
let next = 0;
const fy = financialYearOf(at);
const plain = await callers(() =>
  db.em().transactional(async (tx) => {
    const n = ++next;
    const doc = {
      ...computeInvoice(input),
      id: randomUUID(),
      tenantId: randomUUID(),
      kind: 'invoice',
      serial: formatSerial('PL', fy, n),
      financialYear: fy.label,
      issuedAt: at.toISOString(),
      original: null,
      reason: null,
    };
    await invoices.insert(tx, doc, 'PL', n);
  }),
);
const numbers = await db.em().transactional((tx) => invoices.seriesNumbers(tx, supplier.gstin, 'BN', fy.label));
const gapless = numbers.length === finalised.done && numbers.every((n, i) => n === i + 1);
await db.close();
await database.drop();
rmSync(dir, { recursive: true, force: true });

console.log(
  `machine: ${availableParallelism()} cores, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; store: ${STORE}`,
);
console.log('| measure | per second |');
console.log('| --- | ---: |');
console.log(`| webhook verifications (ours, constant-time) | ${fmt(ours)} |`);
console.log(`| webhook verifications (razorpay SDK, ===) | ${fmt(sdk)} |`);
console.log(`| invoices finalised with Rule 46 numbering, ${CALLERS} callers | ${fmt(finalised.perSecond)} |`);
console.log(`| plain inserts of the same rows, ${CALLERS} callers | ${fmt(plain.perSecond)} |`);
console.log(`series after ${finalised.done} finalisations: ${gapless ? '1…N, no gap, no duplicate' : 'BROKEN'}`);
if (!gapless) process.exit(1);
