import {
  DataCategories,
  RIGHTS_SERVICES,
  type PlatformDataMap,
  type PlatformDataMapEntry,
  type ServiceDeclarations,
} from '@lekha/contracts';

/** One map from every service's declarations: by service, then table, as each declared them. */
export function mergeDataMap(answers: ServiceDeclarations[], at: Date): PlatformDataMap {
  const entries: PlatformDataMapEntry[] = answers.flatMap((a) =>
    a.declarations.map((d) => ({ service: a.service, ...d })),
  );
  const holders = new Map<string, Set<string>>();
  for (const e of entries)
    if (e.category !== 'business.operational')
      holders.set(e.category, (holders.get(e.category) ?? new Set()).add(e.service));
  return {
    generatedAt: at.toISOString(),
    services: answers.map((a) => ({ service: a.service, tables: a.declarations.length })),
    entries,
    categories: [...holders]
      .map(([category, services]) => ({
        category: category as PlatformDataMap['categories'][number]['category'],
        services: [...services].sort(),
      }))
      .sort((a, b) => a.category.localeCompare(b.category)),
  };
}

export const SERVICES_ON_MAP = RIGHTS_SERVICES;

const escapeHtml = (v: unknown) =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** The map as a printable page (every value escaped). */
export function dataMapHtml(map: PlatformDataMap): string {
  const sections = map.services.map(({ service }) => {
    const rows = map.entries
      .filter((e) => e.service === service)
      .map(
        (e) =>
          `<tr>${[
            e.table,
            e.what,
            e.category,
            DataCategories[e.category].sensitive ? 'sensitive' : '',
            e.purpose,
            e.principalColumn ?? '—',
            e.notCustomers ?? e.withheld ?? (e.partOf ? `part of ${e.partOf}` : ''),
          ]
            .map((v) => `<td>${escapeHtml(v)}</td>`)
            .join('')}</tr>`,
      )
      .join('');
    return (
      `<section><h2>${escapeHtml(service)}</h2><table><thead><tr><th>table</th><th>what</th><th>category</th>` +
      `<th></th><th>purpose</th><th>names the person by</th><th>note</th></tr></thead><tbody>${rows}</tbody>` +
      `</table></section>`
    );
  });
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Data map</title>` +
    `<style>table{border-collapse:collapse}td,th{border:1px solid #999;padding:2px 6px;text-align:left}</style>` +
    `</head><body><h1>Personal data on the platform</h1>` +
    `<p>Generated ${escapeHtml(map.generatedAt)} from each service's declarations in code.</p>` +
    `<p>Categories held: ${map.categories
      .map((c) => `${escapeHtml(c.category)} (${c.services.map(escapeHtml).join(', ')})`)
      .join('; ')}.</p>` +
    sections.join('') +
    `</body></html>`
  );
}
