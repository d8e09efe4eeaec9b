import { csvCell, parseCsv, unneutralise } from './csv.js';

describe('CSV (RFC 4180)', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF and a BOM', () => {
    const text = '\uFEFFname,notes\r\n"Rao, Meena","said ""hi""\r\nthen left"\r\nRavi,\r\n';
    expect(parseCsv(text)).toEqual([
      { row: 1, cells: ['name', 'notes'] },
      { row: 2, cells: ['Rao, Meena', 'said "hi"\r\nthen left'] },
      { row: 3, cells: ['Ravi', ''] },
    ]);
  });

  it('accepts LF endings, skips blank lines, keeps a last record without a line break', () => {
    expect(parseCsv('a,b\n\n1,2\n""\n3,4')).toEqual([
      { row: 1, cells: ['a', 'b'] },
      { row: 2, cells: ['1', '2'] },
      { row: 3, cells: [''] },
      { row: 4, cells: ['3', '4'] },
    ]);
  });

  it('refuses an unclosed quote and stray quotes, naming the row', () => {
    expect(() => parseCsv('a\n"open')).toThrow(expect.objectContaining({ row: 2 }));
    expect(() => parseCsv('a\nab"c')).toThrow(expect.objectContaining({ row: 2 }));
    expect(() => parseCsv('a\n"ab"c')).toThrow(expect.objectContaining({ row: 2 }));
  });

  it('neutralises formulas on the way out and restores them on the way in', () => {
    for (const v of ['=1+2', '+919000012345', '-3', '@SUM(A1)']) {
      const cell = csvCell(v);
      expect(cell.startsWith('"\'')).toBe(true);
      expect(unneutralise(parseCsv(cell)[0]!.cells[0]!)).toBe(v);
    }
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
  });
});
