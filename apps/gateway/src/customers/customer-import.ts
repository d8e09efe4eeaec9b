import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import {
  CUSTOMER_IMPORT_MAX_BYTES,
  CUSTOMER_IMPORT_MAX_ROWS,
  CustomerOps,
  DomainError,
  type CustomerImportResult,
  type ImportRow,
  type ImportRowError,
  FeatureError,
  CustomerError,
} from '@lekha/contracts';
import type { BusClient } from '../bus/bus-client.js';
import { CsvSyntaxError, parseCsv } from './csv.js';
import { readHeader, readRow } from './customer-csv.js';

/**
 * Serialized rows per bus message. Far below the broker's 1 MiB `message.max.bytes`, leaving room
 * for headers and for an encrypted (base64) payload envelope.
 */
export const CHUNK_BYTES = 256 * 1024;
const STAGE_TIMEOUT_MS = 30_000;
const COMMIT_TIMEOUT_MS = 120_000;

/** Reads a `text/csv` body, refusing more than the limit before it is all in memory. */
export async function readCsvBody(req: Request): Promise<string> {
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();
  if (type !== 'text/csv')
    throw new FeatureError(CustomerError.ImportNotCsv, 'send the file as text/csv', [
      { path: 'content-type', message: 'must be text/csv' },
    ]);
  const tooLarge = () =>
    new FeatureError(
      CustomerError.ImportTooLarge,
      `a CSV import is at most ${CUSTOMER_IMPORT_MAX_BYTES / 1024 / 1024} MiB`,
    );
  if (Number(req.headers['content-length'] ?? 0) > CUSTOMER_IMPORT_MAX_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > CUSTOMER_IMPORT_MAX_BYTES) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new FeatureError(CustomerError.ImportNotText, 'the file is not UTF-8 text', [
      { path: 'body', message: 'must be UTF-8' },
    ]);
  }
}

function rejected(errors: ImportRowError[]): DomainError {
  // One entry per row and field, in file order; a row may be reported by the gateway and the service alike.
  const unique = [...new Map(errors.map((e) => [`${e.row}|${e.field}|${e.message}`, e])).values()].sort(
    (a, b) => a.row - b.row || a.field.localeCompare(b.field),
  );
  const bad = new Set(unique.map((e) => e.row)).size;
  return new FeatureError(
    CustomerError.ImportRejected,
    `${bad} ${bad === 1 ? 'row is' : 'rows are'} bad; nothing was imported`,
    unique,
  );
}

/** Splits rows into bus messages of at most CHUNK_BYTES of JSON. */
export function chunkRows(rows: ImportRow[], maxBytes = CHUNK_BYTES): ImportRow[][] {
  const chunks: ImportRow[][] = [];
  let current: ImportRow[] = [];
  let size = 0;
  for (const row of rows) {
    const bytes = Buffer.byteLength(JSON.stringify(row)) + 1;
    if (current.length && size + bytes > maxBytes) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(row);
    size += bytes;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

/**
 * All or nothing. Every row is parsed and validated here with the schema of `POST /v1/customers`
 * (and checked for phones or emails repeated in the file); the service checks each chunk again
 * against the tenant's customers and stages it, encrypted. Only when no row is bad does one commit
 * turn every staged row into customers in a single transaction; otherwise the staged chunks are
 * discarded and the answer lists every bad row.
 */
export async function importCustomers(bus: BusClient, csv: string): Promise<CustomerImportResult> {
  let records;
  try {
    records = parseCsv(csv);
  } catch (err) {
    if (err instanceof CsvSyntaxError) throw rejected([{ row: err.row, field: 'row', message: err.message }]);
    throw err;
  }
  const [first, ...data] = records;
  if (!first || data.length === 0)
    throw new FeatureError(CustomerError.ImportEmpty, 'the file has no customers', [
      { path: 'body', message: 'needs a header row and at least one row' },
    ]);
  if (data.length > CUSTOMER_IMPORT_MAX_ROWS)
    throw new FeatureError(CustomerError.ImportTooLarge, `a CSV import is at most ${CUSTOMER_IMPORT_MAX_ROWS} rows`);
  const { header, errors } = readHeader(first);
  if (errors.length) throw rejected(errors);

  const good: ImportRow[] = [];
  const seen = { phone: new Map<string, number>(), email: new Map<string, number>() };
  for (const record of data) {
    const result = readRow(header, record);
    if ('errors' in result) {
      errors.push(...result.errors);
      continue;
    }
    for (const field of ['phone', 'email'] as const) {
      const value = result.ok[field];
      if (!value) continue;
      const earlier = seen[field].get(value);
      if (earlier !== undefined) errors.push({ row: record.row, field, message: `same ${field} as row ${earlier}` });
      else seen[field].set(value, record.row);
    }
    good.push({ row: record.row, customer: result.ok });
  }

  const importId = randomUUID();
  const chunks = chunkRows(good);
  let staged = false;
  try {
    for (const [chunk, rows] of chunks.entries()) {
      // Once a row is bad nothing will be committed: later chunks are only checked, not kept.
      const validateOnly = errors.length > 0;
      const res = await bus.invoke(CustomerOps.stageImport, { importId, chunk, validateOnly, rows }, STAGE_TIMEOUT_MS);
      staged ||= !validateOnly && res.errors.length === 0;
      errors.push(...res.errors);
    }
    if (errors.length) throw rejected(errors);
    return await bus.invoke(
      CustomerOps.commitImport,
      { importId, chunks: chunks.length, rows: good.length },
      COMMIT_TIMEOUT_MS,
    );
  } catch (err) {
    if (staged) await bus.invoke(CustomerOps.discardImport, { importId }).catch(() => undefined);
    throw err;
  }
}
