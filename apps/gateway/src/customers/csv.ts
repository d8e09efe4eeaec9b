/** A record of a CSV file: its number (the header is 1) and its cells. */
export interface CsvRecord {
  row: number;
  cells: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly row: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * RFC 4180: fields separated by commas, records by CRLF (a bare LF is accepted too); a field in
 * double quotes may hold commas, line breaks and doubled quotes. A leading byte-order mark is
 * dropped; blank lines are skipped. Rows are numbered by record, not by physical line, so a quoted
 * line break does not shift the numbers a report gives.
 */
export function parseCsv(text: string): CsvRecord[] {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let row = 1;
  let i = 0;
  let quotedCell = false;
  const endRecord = () => {
    cells.push(cell);
    if (!(cells.length === 1 && cells[0] === '' && !quotedCell)) records.push({ row: row++, cells });
    cells = [];
    cell = '';
    quotedCell = false;
  };
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '"') {
      if (cell !== '')
        throw new CsvSyntaxError(row, 'a quote inside an unquoted field (quote the whole field and double the quote)');
      quotedCell = true;
      i++;
      for (;;) {
        if (i >= src.length) throw new CsvSyntaxError(row, 'a quoted field is not closed');
        const q = src[i]!;
        if (q === '"') {
          if (src[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        cell += q;
        i++;
      }
      const next = src[i];
      if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n')
        throw new CsvSyntaxError(row, 'text after the closing quote of a field');
      continue;
    }
    if (ch === ',') {
      if (quotedCell) quotedCell = false;
      cells.push(cell);
      cell = '';
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && src[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    if (quotedCell) throw new CsvSyntaxError(row, 'text after the closing quote of a field');
    cell += ch;
    i++;
  }
  if (cell !== '' || cells.length > 0 || quotedCell) endRecord();
  return records;
}

/** Cells are written (and un-neutralised on import) by the gateway's one CSV cell writer. */
export { csvCell, unneutralise } from '../common/csv-cell.js';
