import type { AuditEventV1 } from '@lekha/contracts';
import { parseCsv } from '../customers/csv.js';
import { csvRow } from '../audit/audit-csv.js';
import { csvCell, neutraliseFormulas, unneutralise } from './csv-cell.js';

/** A spreadsheet in a `;` locale splits the raw line at every `;`, quotes or not: no part may start live. */
const liveParts = (line: string) => line.split(';').filter((part) => /^\s*[=+\-@]/.test(part));

describe('CSV cells (customer and audit exports)', () => {
  it('security #13: neutralises a formula after leading blanks or a semicolon; quotes cells with a semicolon', () => {
    expect(csvCell('   =1+2')).toBe('"\'   =1+2"');
    expect(csvCell('\t=cmd')).toBe('"\'\t=cmd"');
    expect(csvCell('ok;=HYPERLINK("http://x")')).toBe('"ok;\'=HYPERLINK(""http://x"")"');
    expect(csvCell('vip; @SUM(A1);plain')).toBe('"vip;\' @SUM(A1);plain"');
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('＝1+1')).toBe('"\'＝1+1"');
    for (const value of ['ok;=1+1', 'x ;  -2', ';+91', '@a;@b;=c']) expect(liveParts(csvCell(value))).toEqual([]);
  });

  it('round-trips every value through export and import, apostrophes included', () => {
    const values = [
      '=1+2',
      '+919000012345',
      '-3',
      '@SUM(A1)',
      '   =1',
      'a;=b; +c',
      "'=already",
      "''=twice",
      "it's",
      "'",
      'plain',
      '',
      ';;',
      "x;'y",
      "x;' =y",
    ];
    for (const v of values) {
      expect(unneutralise(neutraliseFormulas(v))).toBe(v);
      expect(unneutralise(parseCsv(csvCell(v) || '""')[0]!.cells[0]!)).toBe(v);
    }
  });

  it('writes audit rows with the same rule', () => {
    const event = {
      occurredAt: '2026-11-22T10:15:30.123Z',
      eventId: 'e1',
      tenantId: 't1',
      service: 'gateway',
      actor: { type: 'user', id: 'u1', roles: ['owner', 'admin'] },
      action: 'read',
      resource: { type: 'customer', id: '=cmd' },
      outcome: 'allowed',
      subjectIds: ['s1', 's2'],
      fields: [],
      purpose: 'service',
      requestId: 'r1',
      traceId: 'x;=1+1',
    } as unknown as AuditEventV1;
    const row = csvRow(event);
    expect(liveParts(row)).toEqual([]);
    expect(parseCsv(row)[0]!.cells).toEqual(expect.arrayContaining(['owner;admin', "'=cmd", "x;'=1+1"]));
  });
});
