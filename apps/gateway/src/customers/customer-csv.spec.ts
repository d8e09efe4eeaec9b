import { parseCsv } from './csv.js';
import { exportColumns, exportRow, readHeader, readRow } from './customer-csv.js';
import { CHUNK_BYTES, chunkRows } from './customer-import.js';

const header = (line: string) => readHeader(parseCsv(line)[0]!);

describe('customer CSV layout', () => {
  it('maps columns case-insensitively and refuses unknown, repeated and conflicting ones', () => {
    expect(header('Name,PHONE,consent.SMS,address.City,address2.line1,extra.Plan,id').errors).toEqual([]);
    expect(header('name,aadhaar,name').errors).toEqual([
      { row: 1, field: 'column 2', message: 'is not a customer column' },
      { row: 1, field: 'name', message: 'appears twice' },
    ]);
    expect(header('phone').errors).toEqual([{ row: 1, field: 'name', message: 'the name column is required' }]);
    expect(header('name,addresses,address.line1').errors.map((e) => e.field)).toEqual(['addresses']);
  });

  it('builds a customer with the create schema and names columns, never values, in errors', () => {
    const { header: h } = header(
      'name,phone,tags,consent.whatsapp,address.line1,address.city,address2.line1,extra.plan',
    );
    const [, good, bad] = parseCsv(
      'h\nAsha,98450 12345,VIP; walk-in ;,yes,1 Main Rd,Pune,,gold\n,12,,perhaps,,Pune,2nd Rd,\n',
    );
    expect(readRow(h, good!)).toEqual({
      ok: {
        name: 'Asha',
        phone: '+919845012345',
        tags: ['vip', 'walk-in'],
        marketingConsent: { whatsapp: true },
        addresses: [{ line1: '1 Main Rd', city: 'Pune' }],
        extra: { plan: 'gold' },
      },
    });
    const result = readRow(h, bad!);
    expect('errors' in result && result.errors.map((e) => `${e.row}:${e.field}`).sort()).toEqual([
      '3:address.line1',
      '3:address2.city',
      '3:consent.whatsapp',
      '3:name',
      '3:phone',
    ]);
    expect(JSON.stringify(result)).not.toMatch(/perhaps|2nd Rd/);
  });

  it('exports a row that reads back to the same customer', () => {
    const customer = {
      id: '0195d6a0-0000-7000-8000-000000000001',
      name: 'Rao, "Meena"',
      phone: '+919845010001',
      email: 'm@example.in',
      addresses: [{ line1: '12 MG Road', city: 'Bengaluru' }],
      notes: '=1+1\nsecond line',
      healthNotes: null,
      tags: ['vip', 'walk-in'],
      preferredLanguage: 'kn',
      marketingConsent: { sms: true, whatsapp: false, email: false },
      extra: { visits: 3, member: true },
      createdAt: '2026-11-22T00:00:00.000Z',
      updatedAt: '2026-11-22T00:00:00.000Z',
    };
    const columns = exportColumns(['name', 'phone', 'healthNotes']);
    const [head, row] = parseCsv(`${columns.join(',')}\r\n${exportRow(columns, customer)}\r\n`);
    const read = readRow(readHeader(head!).header, row!);
    expect(read).toEqual({
      ok: {
        name: customer.name,
        phone: customer.phone,
        email: customer.email,
        addresses: customer.addresses,
        notes: customer.notes,
        tags: customer.tags,
        preferredLanguage: 'kn',
        marketingConsent: customer.marketingConsent,
        extra: customer.extra,
      },
    });
    expect(exportColumns(['name'])).not.toContain('healthNotes');
  });

  it('splits 10,000 rows into bus messages under the chunk limit', () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({
      row: i + 2,
      customer: {
        name: `Customer number ${i}`,
        phone: `+9170${String(i).padStart(8, '0')}`,
        email: `customer.${i}@example.in`,
        addresses: [{ line1: `${i} Main Road, Near the temple`, city: 'Chennai', pincode: '600001' }],
        tags: ['bulk', 'tag'],
        preferredLanguage: 'ta',
        notes: 'x'.repeat(60),
      },
    }));
    const chunks = chunkRows(rows);
    const sizes = chunks.map((c) =>
      Buffer.byteLength(
        JSON.stringify({ importId: '0195d6a0-0000-7000-8000-000000000001', chunk: 0, validateOnly: false, rows: c }),
      ),
    );
    expect(chunks.flat()).toHaveLength(10_000);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(CHUNK_BYTES + 200);
    console.log(
      `10,000 rows: ${(sizes.reduce((s, n) => s + n, 0) / 1024).toFixed(0)} KiB of JSON in ${chunks.length} ` +
        `messages (largest ${(Math.max(...sizes) / 1024).toFixed(0)} KiB)`,
    );
  });
});
