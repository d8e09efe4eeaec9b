import {
  OPEN_RIGHTS_STATUSES,
  type RightsDocument,
  type RightsPart,
  type RightsRequestView,
  type RightsService,
} from '@lekha/contracts';
import type { FieldCipher } from '@lekha/crypto';
import { ENGLISH_LOCALE, type DocumentLocale } from './document-labels.js';
import type { RightsPartRow, RightsRequestRow } from './rights.repository.js';

const iso = (v: Date | string) => new Date(v).toISOString();
const isoOrNull = (v: Date | string | null) => (v === null ? null : iso(v));

/** A request as the API shows it: what the principal wrote decrypted, overdue judged at `now`. */
export function rightsRequestView(
  cipher: FieldCipher,
  row: RightsRequestRow,
  parts: RightsPartRow[],
  now: Date,
): RightsRequestView {
  const open = OPEN_RIGHTS_STATUSES.includes(row.status);
  return {
    id: row.id,
    kind: row.kind,
    customerId: row.customer_id,
    status: row.status,
    receivedAt: iso(row.received_at),
    verifiedAt: isoOrNull(row.verified_at),
    dueAt: iso(row.due_at),
    overdue: open && new Date(row.due_at).getTime() < now.getTime(),
    completedAt: isoOrNull(row.completed_at),
    rejection: row.rejected_at
      ? { reason: cipher.decrypt('rights.rejection', row.rejection_enc) ?? '', at: iso(row.rejected_at) }
      : null,
    details: cipher.decrypt('rights.details', row.details_enc) ?? null,
    note: cipher.decrypt('rights.note', row.note_enc) ?? null,
    filedBy: { type: row.filed_by_type, id: row.filed_by_id },
    parts: parts
      .filter((p) => p.request_id === row.id)
      .map((p) => ({ service: p.service, answeredAt: isoOrNull(p.answered_at) })),
  };
}

/** Encrypts a service's part under the tenant's key (it holds the principal's personal data). */
export function sealPartAtRest(cipher: FieldCipher, part: RightsPart): Buffer {
  return cipher.encrypt('rights.part', JSON.stringify(part))!;
}

export function openPartAtRest(cipher: FieldCipher, enc: Buffer): RightsPart {
  return JSON.parse(cipher.decrypt('rights.part', enc)!) as RightsPart;
}

/** The access or export document: each service's part, and every category held with who holds it. */
export function rightsDocument(row: RightsRequestRow, parts: RightsPart[], at: Date): RightsDocument {
  const holders = new Map<string, Set<RightsService>>();
  for (const part of parts)
    for (const h of part.holdings)
      if (h.count > 0) holders.set(h.category, (holders.get(h.category) ?? new Set()).add(part.service));
  return {
    requestId: row.id,
    kind: row.kind,
    customerId: row.customer_id,
    generatedAt: at.toISOString(),
    parts: [...parts].sort((a, b) => a.service.localeCompare(b.service)),
    categories: [...holders]
      .map(([category, services]) => ({
        category: category as RightsDocument['categories'][number]['category'],
        services: [...services].sort(),
      }))
      .sort((a, b) => a.category.localeCompare(b.category)),
  };
}

const escapeHtml = (v: unknown) =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

const cell = (v: unknown) => escapeHtml(typeof v === 'object' && v !== null ? JSON.stringify(v) : v);

/**
 * The document as a page a person can read (every value escaped), in the locale's language: its fixed
 * text from the translation table, categories and the tenant's purposes as its notice in that language
 * names them.
 */
export function rightsDocumentHtml(doc: RightsDocument, locale: DocumentLocale = ENGLISH_LOCALE): string {
  const t = locale.labels;
  const held = doc.categories
    .map((c) => `${escapeHtml(locale.category(c.category))} (${c.services.map(escapeHtml).join(', ')})`)
    .join('; ');
  const sections = doc.parts.map((part) => {
    const holdings = part.holdings
      .filter((h) => h.count > 0)
      .map((h) => {
        const keys = [...new Set(h.items.flatMap((i) => Object.keys(i)))];
        const value = (k: string, v: unknown) =>
          k === 'purpose' && typeof v === 'string' && locale.purpose(v) ? `${locale.purpose(v)} (${v})` : v;
        const rows = h.items
          .map((i) => `<tr>${keys.map((k) => `<td>${cell(value(k, i[k]))}</td>`).join('')}</tr>`)
          .join('');
        return (
          `<h3>${escapeHtml(h.what)} (${h.count})</h3>` +
          `<p>${escapeHtml(t.category)}: ${escapeHtml(locale.category(h.category))}. ` +
          `${escapeHtml(t.purpose)}: ${escapeHtml(h.purpose)}. ` +
          `${escapeHtml(t.heldSince)}: ${escapeHtml(h.since ?? '—')}.</p>` +
          `<table><thead><tr>${keys.map((k) => `<th>${escapeHtml(k)}</th>`).join('')}</tr></thead>` +
          `<tbody>${rows}</tbody></table>`
        );
      })
      .join('');
    const shared = part.sharedWith.length
      ? `<h3>${escapeHtml(t.sharedWith)}</h3><ul>${part.sharedWith
          .map(
            (s) =>
              `<li>${escapeHtml(s.recipient)}: ${escapeHtml(locale.category(s.category))} ${escapeHtml(t.for)} ` +
              `${escapeHtml(s.purpose)}, ${s.count} ${escapeHtml(t.times)}, ` +
              `${escapeHtml(s.first ?? '')} – ${escapeHtml(s.last ?? '')}</li>`,
          )
          .join('')}</ul>`
      : '';
    const activities = part.activities.length
      ? `<h3>${escapeHtml(t.processing)}</h3><table><thead><tr>` +
        `${t.columns.map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${part.activities
          .map(
            (a) =>
              `<tr>${[a.at, a.service, a.action, a.resourceType, a.actor, a.outcome]
                .map((v) => `<td>${escapeHtml(v)}</td>`)
                .join('')}</tr>`,
          )
          .join('')}</tbody></table>`
      : '';
    const empty = holdings || shared || activities ? '' : `<p>${escapeHtml(part.note ?? t.nothingHeld)}</p>`;
    return `<section><h2>${escapeHtml(part.service)}</h2>${empty}${holdings}${shared}${activities}</section>`;
  });
  const purposes = locale.noticePurposes.length
    ? `<h2>${escapeHtml(t.noticePurposes)}</h2><ul>${locale.noticePurposes
        .map((p) => `<li>${escapeHtml(p.label)} (${escapeHtml(p.key)})</li>`)
        .join('')}</ul>`
    : '';
  return (
    `<!doctype html><html lang="${escapeHtml(locale.language)}"><head><meta charset="utf-8">` +
    `<title>${escapeHtml(t.title)}</title></head><body>` +
    `<h1>${escapeHtml(t.heading)}</h1>` +
    `<p>${escapeHtml(t.request)} ${escapeHtml(doc.requestId)} (${escapeHtml(doc.kind)}), ` +
    `${escapeHtml(t.generated)} ${escapeHtml(doc.generatedAt)}.</p>` +
    `<p>${escapeHtml(t.categoriesHeld)}: ${held || escapeHtml(t.none)}.</p>` +
    purposes +
    sections.join('') +
    `</body></html>`
  );
}
