import type { NoticeView, PublishNoticeRequest, TenantNoticeView } from '@lekha/contracts';
import type { PrivacyNoticeRow } from './privacy-notices.repository.js';

type Content = Pick<PublishNoticeRequest, 'sections' | 'categories' | 'purposes'>;

export function contentOf(row: PrivacyNoticeRow): Content {
  return typeof row.content === 'string' ? (JSON.parse(row.content) as Content) : row.content;
}

/** What anyone may read of a notice (the public route): its text, categories and purposes. */
export function noticeView(row: PrivacyNoticeRow): NoticeView {
  const c = contentOf(row);
  return {
    id: row.id,
    language: row.language,
    version: Number(row.version),
    title: row.title,
    sections: c.sections,
    categories: c.categories,
    purposes: c.purposes,
    material: row.material,
    summaryOfChanges: row.summary_of_changes,
    publishedAt: new Date(row.published_at).toISOString(),
    current: Boolean(row.current),
  };
}

/** What the tenant's staff see: the notice, who published it and whom a material change reached. */
export function tenantNoticeView(row: PrivacyNoticeRow): TenantNoticeView {
  return {
    ...noticeView(row),
    publishedBy: { type: row.published_by_type, id: row.published_by_id },
    notified:
      row.notified_owner === null
        ? null
        : { owner: Number(row.notified_owner), principals: Number(row.notified_principals ?? 0) },
  };
}

/**
 * Whether a consent given under `version` of a notice in its language must be given again: the language's
 * latest material version is newer. A version that is not a number (recorded before notices were versioned
 * here) is compared by time: given before the material change was published.
 */
export function needsReacceptance(
  given: { version: string; language: string; at: Date },
  latestMaterial: ReadonlyMap<string, { version: number; at: Date }>,
): boolean {
  const material = latestMaterial.get(given.language);
  if (!material || material.version <= 1) return false;
  const v = /^\d+$/.test(given.version.trim()) ? Number(given.version.trim()) : null;
  return v === null ? given.at.getTime() < material.at.getTime() : v < material.version;
}
