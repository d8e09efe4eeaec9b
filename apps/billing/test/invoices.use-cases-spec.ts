import { randomUUID } from 'node:crypto';
import { DomainError } from '@lekha/contracts';
import { Database, inTenantTransaction } from '@lekha/persistence';
import type { UseCaseHarness } from '@lekha/use-case-testing';
import type { InvoiceInput } from '../src/invoices/gst.js';
import { InvoiceIssuer } from '../src/invoices/invoice-issuer.js';
import { InvoiceRepository } from '../src/invoices/invoice.repository.js';
import { InvoiceSeriesRepository } from '../src/invoices/invoice-series.repository.js';
import { SUPPLIER, recipientIn } from '../src/invoices/test-parties.js';
import { startBilling } from './billing-harness.js';

const GSTIN = SUPPLIER.gstin!;
const DEC_2026 = new Date('2026-12-01T06:00:00Z');
const input = (stateCode = '27', unitPricePaise = 49_900): InvoiceInput => ({
  supplier: SUPPLIER,
  recipient: recipientIn(stateCode),
  lines: [{ description: 'Growth plan, December 2026', sac: '998431', quantity: 1, unitPricePaise }],
});

/** Rule 46 numbering and invoice storage on a real database (PostgreSQL with TEST_DATABASE_URL). */
describe('billing invoices: Rule 46 series and storage', () => {
  let h: UseCaseHarness;
  let db: Database;
  let issuer: InvoiceIssuer;
  let invoices: InvoiceRepository;
  beforeAll(async () => {
    h = await startBilling();
    db = h.app.get(Database);
    issuer = h.get(InvoiceIssuer);
    invoices = h.get(InvoiceRepository);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const issue = (prefix: string, at = DEC_2026, tenantId = randomUUID(), stateCode = '27') =>
    db.em().transactional((tx) => issuer.issue(tx, { tenantId, input: input(stateCode), prefix, at }));
  const numbers = (prefix: string, fy = '2026-27') =>
    db.em().transactional((tx) => invoices.seriesNumbers(tx, GSTIN, prefix, fy));

  it('numbers consecutively within the financial year and restarts on 1 April IST', async () => {
    const a = await issue('FY');
    const b = await issue('FY', new Date('2027-03-31T18:29:59Z'));
    const c = await issue('FY', new Date('2027-03-31T18:30:00Z'));
    const d = await issue('FY', new Date('2027-04-02T00:00:00Z'));
    expect([a.serial, b.serial, c.serial, d.serial]).toEqual([
      'FY/26-27/00001',
      'FY/26-27/00002',
      'FY/27-28/00001',
      'FY/27-28/00002',
    ]);
    expect(c.financialYear).toBe('2027-28');
  });

  it('stores the figures exactly: intra-state CGST+SGST, inter-state IGST, the rule on the invoice', async () => {
    const intra = await issue('EX', DEC_2026, randomUUID(), '27');
    const inter = await issue('EX', DEC_2026, randomUUID(), '29');
    const stored = await db.em().transactional((tx) => invoices.find(tx, inter.id));
    expect(Number(stored!.total_paise)).toBe(58_882);
    expect(intra.totals).toMatchObject({ cgstPaise: 4_491, sgstPaise: 4_491, igstPaise: 0, totalPaise: 58_882 });
    expect(inter.totals).toMatchObject({ cgstPaise: 0, sgstPaise: 0, igstPaise: 8_982, totalPaise: 58_882 });
    expect(inter.tax.rule).toMatch(/Inter-state supply.*Karnataka \(29\); IGST levied/);
  });

  it('parallel finalisations: every number once, none missing (8 callers × 5 invoices)', async () => {
    const issued = await Promise.all(
      Array.from({ length: 8 }, async () => {
        const serials: string[] = [];
        for (let i = 0; i < 5; i++) {
          const doc = await db.em().transactional(async (tx) => {
            const d = await issuer.issue(tx, { tenantId: randomUUID(), input: input(), prefix: 'PAR', at: DEC_2026 });
            // Hold the series row a moment so that on PostgreSQL the other callers queue behind it.
            if (db.kind === 'postgresql') await tx.execute('select pg_sleep(0.005)');
            return d;
          });
          serials.push(doc.serial);
        }
        return serials;
      }),
    );
    const all = issued.flat();
    expect(new Set(all).size).toBe(40);
    expect(await numbers('PAR')).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });

  it('a finalisation that rolls back leaves no gap, also among parallel ones', async () => {
    await issue('RB');
    await expect(
      db.em().transactional(async (tx) => {
        await issuer.issue(tx, { tenantId: randomUUID(), input: input(), prefix: 'RB', at: DEC_2026 });
        throw new Error('the ledger write failed');
      }),
    ).rejects.toThrow('the ledger write failed');
    expect((await issue('RB')).serial).toBe('RB/26-27/00002');
    const outcomes = await Promise.allSettled(
      Array.from({ length: 24 }, (_, i) =>
        db.em().transactional(async (tx) => {
          const d = await issuer.issue(tx, { tenantId: randomUUID(), input: input(), prefix: 'RB', at: DEC_2026 });
          if (i % 3 === 0) throw new Error('rolled back');
          return d;
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(16);
    expect(await numbers('RB')).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    const last = await db
      .em()
      .transactional((tx) =>
        h.get(InvoiceSeriesRepository).last(tx, { supplierGstin: GSTIN, prefix: 'RB', fy: '2026-27' }),
      );
    expect(last).toBe(18);
  });

  it('refuses an invalid invoice before it takes a number', async () => {
    await issue('BAD');
    const bad = { ...input(), lines: [{ description: 'x', sac: '998431', quantity: 1, unitPricePaise: -1 }] };
    const refused = await db
      .em()
      .transactional((tx) => issuer.issue(tx, { tenantId: randomUUID(), input: bad, prefix: 'BAD', at: DEC_2026 }))
      .catch((e: unknown) => e as DomainError);
    expect((refused as DomainError).reason).toBe('BILLING_INVOICE_INVALID');
    expect((await issue('BAD')).serial).toBe('BAD/26-27/00002');
  });

  it('a credit note reverses an invoice once, in its own series, referencing the original', async () => {
    const tenantId = randomUUID();
    const original = await issue('CI', DEC_2026, tenantId);
    const reverse = (id: string, tenant = tenantId) =>
      db
        .em()
        .transactional((tx) =>
          issuer.reverse(tx, { invoiceId: id, tenantId: tenant, prefix: 'CN', at: DEC_2026, reason: 'refund' }),
        );
    const note = await reverse(original.id);
    expect(note).toMatchObject({
      kind: 'credit_note',
      serial: 'CN/26-27/00001',
      original: { id: original.id, serial: original.serial },
      totals: original.totals,
      reason: 'refund',
    });
    const again = await reverse(original.id).catch((e: unknown) => e as DomainError);
    expect((again as DomainError).reason).toBe('BILLING_ALREADY_REVERSED');
    const ofNote = await reverse(note.id).catch((e: unknown) => e as DomainError);
    expect((ofNote as DomainError).reason).toBe('BILLING_ALREADY_REVERSED');
    const otherTenant = await reverse(original.id, randomUUID()).catch((e: unknown) => e as DomainError);
    expect((otherTenant as DomainError).reason).toBe('BILLING_INVOICE_NOT_FOUND');
    expect(await numbers('CN')).toEqual([1]);
  });

  it('partial credit notes in the CN series, never past the invoice: in the issuer and in the database', async () => {
    const tenantId = randomUUID();
    const original = await issue('PI', DEC_2026, tenantId);
    const credit = (amountPaise?: number) =>
      db
        .em()
        .transactional((tx) =>
          issuer.reverse(tx, { invoiceId: original.id, prefix: 'PCN', at: DEC_2026, reason: 'part', amountPaise }),
        );
    const first = await credit(10_000);
    expect(first).toMatchObject({ serial: 'PCN/26-27/00001', totals: { totalPaise: 10_000 } });
    const over = await credit(48_883).catch((e: unknown) => e as DomainError);
    expect((over as DomainError).reason).toBe('BILLING_CREDIT_EXCEEDS_INVOICE');
    const zero = await credit(0).catch((e: unknown) => e as DomainError);
    expect((zero as DomainError).reason).toBe('BILLING_INVOICE_INVALID');
    const rest = await credit();
    expect(rest).toMatchObject({ serial: 'PCN/26-27/00002', totals: { totalPaise: 48_882 } });
    expect(first.totals.cgstPaise + rest.totals.cgstPaise).toBe(original.totals.cgstPaise);
    expect(first.totals.sgstPaise + rest.totals.sgstPaise).toBe(original.totals.sgstPaise);
    const done = await credit(1).catch((e: unknown) => e as DomainError);
    expect((done as DomainError).reason).toBe('BILLING_ALREADY_REVERSED');
    expect(await numbers('PCN')).toEqual([1, 2]);
    // The database's own wall: a credit note written past the issuer's checks is refused.
    const forged = { ...rest, id: randomUUID(), serial: 'PCN/26-27/00099' };
    await expect(db.em().transactional((tx) => invoices.insert(tx, forged, 'PCN', 99))).rejects.toThrow(
      /would exceed its value/,
    );
  });

  it('invoices are never edited or deleted, and a tenant transaction sees only its own', async () => {
    const mine = await issue('IM');
    const theirs = await issue('IM');
    await expect(
      db.em().execute('update billing.invoices set total_paise = 1 where id = ?', [mine.id]),
    ).rejects.toThrow(/never edited or deleted/);
    await expect(db.em().execute('delete from billing.invoices where id = ?', [mine.id])).rejects.toThrow(
      /never edited or deleted/,
    );
    const seen = await inTenantTransaction(db.em(), mine.tenantId, (tx) =>
      tx.execute<{ id: string }[]>('select id from billing.invoices'),
    );
    expect(seen.map((r) => r.id)).toEqual([mine.id]);
    expect(seen.map((r) => r.id)).not.toContain(theirs.id);
  });
});
