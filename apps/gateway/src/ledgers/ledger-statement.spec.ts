import type { LedgerEntryView, LedgerStatementPage, StatementLine } from '@lekha/contracts';
import {
  RunningBalance,
  journalCsvHead,
  journalCsvRows,
  openingCsvRow,
  statementCsvHead,
  statementCsvRow,
} from './ledger-statement.js';

const line = (over: Partial<StatementLine> = {}): StatementLine => ({
  entryId: '0190a1b2-0000-7000-8000-000000000001',
  seq: 1,
  occurredOn: '2026-12-01',
  reason: 'rent_due',
  description: 'December rent',
  upiReference: null,
  reverses: null,
  accountId: '0190a1b2-0000-7000-8000-0000000000a1',
  accountName: 'Rent — Asha, room 4',
  debitPaise: 1500000,
  creditPaise: 0,
  ...over,
});

describe('ledger statement CSV', () => {
  it('P21: header, opening row and lines in RFC 4180 shape with rupee amounts', () => {
    expect(statementCsvHead).toBe(
      'date,seq,entry_id,account,reason,description,upi_reference,reverses,debit,credit,balance\r\n',
    );
    expect(openingCsvRow('2026-12-01', -50)).toBe('2026-12-01,,,,opening_balance,,,,,,-0.50\r\n');
    expect(statementCsvRow(line(), 1500000)).toBe(
      '2026-12-01,1,0190a1b2-0000-7000-8000-000000000001,Rent — Asha, room 4,'.replace(
        'Rent — Asha, room 4',
        '"Rent — Asha, room 4"',
      ) + 'rent_due,December rent,,,15000.00,,15000.00\r\n',
    );
  });

  it('P21: quotes commas, quotes and line breaks; neutralises cells a spreadsheet would run', () => {
    const row = statementCsvRow(
      line({ description: '=HYPERLINK("http://x","pay")', accountName: '+91 rent', reason: 'upi_payment' }),
      0,
    );
    expect(row).toContain(`"'=HYPERLINK(""http://x"",""pay"")"`);
    expect(row).toContain(`"'+91 rent"`);
    const multi = statementCsvRow(line({ description: 'line one\nline "two"' }), 0);
    expect(multi).toContain('"line one\nline ""two"""');
    for (const danger of ['-2+3', '@SUM(A1)'])
      expect(statementCsvRow(line({ description: danger }), 0)).toContain(`"'${danger}"`);
  });

  it('P63: carries the UPI reference and the running balance across pages', () => {
    const running = new RunningBalance(1000);
    const page = (items: StatementLine[]): LedgerStatementPage => ({
      accounts: [],
      openingBalancePaise: 1000,
      items,
      nextCursor: null,
    });
    expect(running.take(page([line({ debitPaise: 500 }), line({ debitPaise: 0, creditPaise: 2000 })]))).toEqual([
      1500, -500,
    ]);
    expect(running.take(page([line({ debitPaise: 0, creditPaise: 1, upiReference: '412345678901' })]))).toEqual([-501]);
    expect(running.current).toBe(-501);
    expect(statementCsvRow(line({ upiReference: '412345678901', debitPaise: 0, creditPaise: 1 }), -501)).toBe(
      '2026-12-01,1,0190a1b2-0000-7000-8000-000000000001,"Rent — Asha, room 4",rent_due,December rent,' +
        '412345678901,,,0.01,-5.01\r\n',
    );
  });
});

describe('ledger journal CSV', () => {
  it('P21, P63: one formula-safe row per line with the entry, the account and the chain hash', () => {
    const entry: LedgerEntryView = {
      id: '0190a1b2-0000-7000-8000-000000000009',
      seq: 9,
      occurredOn: '2026-12-04',
      reason: 'upi_payment',
      description: '@paid, thanks',
      upiReference: '412345678901',
      reverses: null,
      reversedBy: null,
      lines: [
        { accountId: 'a-upi', debitPaise: 1500000, creditPaise: 0 },
        { accountId: 'a-rent', debitPaise: 0, creditPaise: 1500000 },
      ],
      createdBy: null,
      createdAt: '2026-12-04T10:00:00.000Z',
      hash: 'ab'.repeat(32),
    };
    expect(journalCsvHead).toBe(
      'seq,entry_id,date,reason,description,upi_reference,reverses,line,account_id,account,debit,credit,hash\r\n',
    );
    const names = new Map([
      ['a-upi', 'UPI'],
      ['a-rent', '-Rent Asha'],
    ]);
    const start = `9,${entry.id},2026-12-04,upi_payment,"'@paid, thanks",412345678901,`;
    expect(journalCsvRows(entry, names).split('\r\n')).toEqual([
      `${start},1,a-upi,UPI,15000.00,,${entry.hash}`,
      `${start},2,a-rent,"'-Rent Asha",,15000.00,${entry.hash}`,
      '',
    ]);
  });
});
