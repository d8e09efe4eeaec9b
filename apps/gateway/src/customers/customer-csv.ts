import { createCustomerSchema, type CustomerView, type ImportRowError } from '@lekha/contracts';
import { csvCell, unneutralise, type CsvRecord } from './csv.js';

/**
 * The CSV layout of customers. Import columns (any order, names case-insensitive):
 * `name` (required), `phone`, `email`, `notes`, `healthNotes`, `tags` (separated by `;`),
 * `preferredLanguage`, `consent.sms|whatsapp|email` (true/false, yes/no, 1/0), one address as
 * `address.label|line1|line2|city|state|pincode` (further ones as `address2.*` … `address5.*`) or
 * all of them as a JSON array in `addresses`, extra fields as `extra.<key>` (text) or a JSON object
 * in `extra`. `id`, `createdAt` and `updatedAt` are ignored, so an export imports again as it is.
 */
const SIMPLE = ['name', 'phone', 'email', 'notes', 'healthNotes', 'tags', 'preferredLanguage'] as const;
const CONSENT = ['sms', 'whatsapp', 'email'] as const;
const ADDRESS_PARTS = ['label', 'line1', 'line2', 'city', 'state', 'pincode'] as const;
const IGNORED = ['id', 'createdat', 'updatedat'];

type Column =
  | { kind: 'simple'; field: (typeof SIMPLE)[number] }
  | { kind: 'consent'; channel: (typeof CONSENT)[number] }
  | { kind: 'address'; index: number; part: (typeof ADDRESS_PARTS)[number] }
  | { kind: 'addresses' }
  | { kind: 'extra'; key: string }
  | { kind: 'extraJson' }
  | { kind: 'ignored' };

export interface CustomerCsvHeader {
  columns: { name: string; column: Column }[];
}

function columnOf(raw: string): Column | null {
  const name = raw.trim();
  const lower = name.toLowerCase();
  const simple = SIMPLE.find((f) => f.toLowerCase() === lower);
  if (simple) return { kind: 'simple', field: simple };
  if (IGNORED.includes(lower)) return { kind: 'ignored' };
  if (lower === 'addresses') return { kind: 'addresses' };
  if (lower === 'extra') return { kind: 'extraJson' };
  const consent = /^(?:consent|marketingconsent)\.(\w+)$/.exec(lower);
  if (consent) {
    const channel = CONSENT.find((c) => c === consent[1]);
    return channel ? { kind: 'consent', channel } : null;
  }
  const address = /^address([1-5])?\.(\w+)$/.exec(lower);
  if (address) {
    const part = ADDRESS_PARTS.find((p) => p === address[2]);
    return part ? { kind: 'address', index: Number(address[1] ?? '1') - 1, part } : null;
  }
  // Extra-field keys keep their case: they are the tenant's own names.
  const extra = /^extra\.(.+)$/i.exec(name);
  if (extra) return { kind: 'extra', key: extra[1]! };
  return null;
}

/** Reads the header row; every problem is reported as a bad row 1. */
export function readHeader(header: CsvRecord): { header: CustomerCsvHeader; errors: ImportRowError[] } {
  const errors: ImportRowError[] = [];
  const columns: CustomerCsvHeader['columns'] = [];
  const seen = new Set<string>();
  header.cells.forEach((cell, i) => {
    const name = cell.trim();
    const column = columnOf(name);
    // Named by position: a file without a header row would otherwise echo a customer's values back.
    if (!column) errors.push({ row: 1, field: `column ${i + 1}`, message: 'is not a customer column' });
    else if (seen.has(name.toLowerCase())) errors.push({ row: 1, field: name, message: 'appears twice' });
    else columns.push({ name, column });
    seen.add(name.toLowerCase());
  });
  const kinds = new Set(columns.map((c) => c.column.kind));
  if (!columns.some((c) => c.column.kind === 'simple' && c.column.field === 'name'))
    errors.push({ row: 1, field: 'name', message: 'the name column is required' });
  if (kinds.has('addresses') && kinds.has('address'))
    errors.push({
      row: 1,
      field: 'addresses',
      message: 'give addresses either as JSON or as address columns, not both',
    });
  if (kinds.has('extraJson') && kinds.has('extra'))
    errors.push({
      row: 1,
      field: 'extra',
      message: 'give extra fields either as JSON or as extra.<key> columns, not both',
    });
  return { header: { columns }, errors };
}

function bool(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (['true', 'yes', 'y', '1'].includes(v)) return true;
  if (['false', 'no', 'n', '0'].includes(v)) return false;
  return undefined;
}

/** Where a schema issue points, as the column the user wrote. */
function columnFor(path: readonly PropertyKey[], addressesAsJson: boolean): string {
  const [first, second, third] = path;
  if (first === 'marketingConsent') return typeof second === 'string' ? `consent.${second}` : 'consent';
  if (first === 'addresses') {
    if (addressesAsJson || typeof second !== 'number') return 'addresses';
    return `address${second === 0 ? '' : second + 1}${typeof third === 'string' ? `.${third}` : ''}`;
  }
  if (first === 'extra' && typeof second === 'string') return `extra.${second}`;
  return typeof first === 'string' ? first : 'row';
}

export type RowResult = { ok: ReturnType<typeof createCustomerSchema.parse> } | { errors: ImportRowError[] };

/**
 * One data row → a customer, validated by the very schema of `POST /v1/customers`. Messages name
 * the column and the rule, never the value that broke it.
 */
export function readRow(header: CustomerCsvHeader, record: CsvRecord): RowResult {
  const errors: ImportRowError[] = [];
  const err = (field: string, message: string) => errors.push({ row: record.row, field, message });
  if (record.cells.length !== header.columns.length) {
    err('row', `has ${record.cells.length} fields where the header has ${header.columns.length}`);
    return { errors };
  }
  const candidate: Record<string, unknown> = {};
  const consent: Record<string, boolean> = {};
  const addresses: Record<string, string>[] = [];
  const extra: Record<string, unknown> = {};
  let addressesAsJson = false;
  header.columns.forEach(({ name, column }, i) => {
    const value = unneutralise(record.cells[i]!);
    if (value.trim() === '') return;
    switch (column.kind) {
      case 'simple':
        candidate[column.field] =
          column.field === 'tags'
            ? value
                .split(';')
                .map((t) => t.trim())
                .filter(Boolean)
            : value;
        break;
      case 'consent': {
        const b = bool(value);
        if (b === undefined) err(name, 'must be true or false (yes/no, 1/0)');
        else consent[column.channel] = b;
        break;
      }
      case 'address':
        (addresses[column.index] ??= {})[column.part] = value;
        break;
      case 'addresses':
      case 'extraJson':
        try {
          if (column.kind === 'addresses') {
            candidate.addresses = JSON.parse(value);
            addressesAsJson = true;
          } else candidate.extra = JSON.parse(value);
        } catch {
          err(name, column.kind === 'addresses' ? 'must be a JSON array of addresses' : 'must be a JSON object');
        }
        break;
      case 'extra':
        extra[column.key] = value;
        break;
      case 'ignored':
        break;
    }
  });
  if (Object.keys(consent).length) candidate.marketingConsent = consent;
  if (addresses.length) {
    if (addresses.some((a) => a === undefined)) err('address', 'address columns must be numbered without gaps');
    candidate.addresses = addresses;
  }
  if (Object.keys(extra).length) candidate.extra = extra;
  // The schema runs even when a cell was unreadable, so the report lists every problem of the row.
  const parsed = createCustomerSchema.safeParse(candidate);
  if (parsed.success && errors.length === 0) return { ok: parsed.data };
  const unreadable = new Set(errors.map((e) => e.field));
  for (const issue of parsed.error?.issues ?? []) {
    const column = columnFor(issue.path, addressesAsJson);
    if (!unreadable.has(column)) err(column, issue.message);
  }
  return { errors };
}

/** The export's columns: everything a re-import needs, in JSON where a cell holds a list or map. */
export function exportColumns(fields: readonly string[]): string[] {
  const visible = new Set(fields);
  return [
    'id',
    'name',
    'phone',
    'email',
    'addresses',
    'notes',
    ...(visible.has('healthNotes') ? ['healthNotes'] : []),
    'tags',
    'preferredLanguage',
    'consent.sms',
    'consent.whatsapp',
    'consent.email',
    'extra',
    'createdAt',
    'updatedAt',
  ];
}

export function exportRow(columns: readonly string[], c: CustomerView): string {
  const value = (column: string): string | null => {
    switch (column) {
      case 'addresses':
        return c.addresses.length ? JSON.stringify(c.addresses) : '';
      case 'tags':
        return c.tags.join(';');
      case 'extra':
        return Object.keys(c.extra).length ? JSON.stringify(c.extra) : '';
      case 'consent.sms':
      case 'consent.whatsapp':
      case 'consent.email':
        return String(c.marketingConsent[column.slice('consent.'.length) as keyof CustomerView['marketingConsent']]);
      default:
        return (c as unknown as Record<string, string | null | undefined>)[column] ?? '';
    }
  };
  return columns.map((col) => csvCell(value(col))).join(',');
}
