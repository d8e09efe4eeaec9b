import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import type { Em } from '@lekha/persistence';
import type { NoticeLanguage, PublishNoticeRequest } from '@lekha/contracts';

type Ts = Date | string;

export interface PrivacyNoticeRow {
  id: string;
  tenant_id: string;
  language: NoticeLanguage;
  version: number;
  title: string;
  content:
    | Pick<PublishNoticeRequest, 'sections' | 'categories' | 'purposes'>
    // The embedded database may hand jsonb back as text.
    | string;
  material: boolean;
  summary_of_changes: string | null;
  published_at: Ts;
  published_by_type: string;
  published_by_id: string | null;
  notified_owner: number | null;
  notified_principals: number | null;
  /** The latest version of its language. */
  current: boolean;
}

export interface NewPrivacyNotice {
  id: string;
  language: NoticeLanguage;
  version: number;
  title: string;
  content: Pick<PublishNoticeRequest, 'sections' | 'categories' | 'purposes'>;
  material: boolean;
  summaryOfChanges: string | null;
  publishedAt: Date;
  publishedBy: { type: string; id: string | null };
}

const COLUMNS =
  `n.id, n.tenant_id, n.language, n.version, n.title, n.content, n.material, n.summary_of_changes, ` +
  `n.published_at, n.published_by_type, n.published_by_id, n.notified_owner, n.notified_principals, ` +
  `(n.version = (select max(m.version) from compliance.privacy_notices m ` +
  `where m.tenant_id = n.tenant_id and m.language = n.language)) as current`;

/** The tenant's privacy notices (versions per language, never changed) and whom a material change reaches. */
@Injectable()
export class PrivacyNoticesRepository {
  async latestVersion({ tx, tenantId }: TenantScope, language: NoticeLanguage): Promise<number> {
    const [row] = await tx.execute<{ v: number | null }[]>(
      `select max(version) as v from compliance.privacy_notices where tenant_id = ? and language = ?`,
      [tenantId, language],
    );
    return Number(row?.v ?? 0);
  }

  /** Inserts a version; false when that version of the language exists already (a concurrent publication). */
  async insert({ tx, tenantId }: TenantScope, n: NewPrivacyNotice): Promise<boolean> {
    const rows = await tx.execute<{ id: string }[]>(
      `insert into compliance.privacy_notices (id, tenant_id, language, version, title, content, material,
         summary_of_changes, published_at, published_by_type, published_by_id)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (tenant_id, language, version) do nothing returning id`,
      [
        n.id,
        tenantId,
        n.language,
        n.version,
        n.title,
        JSON.stringify(n.content),
        n.material,
        n.summaryOfChanges,
        n.publishedAt,
        n.publishedBy.type,
        n.publishedBy.id,
      ],
    );
    return rows.length > 0;
  }

  async find({ tx, tenantId }: TenantScope, id: string): Promise<PrivacyNoticeRow | null> {
    const rows = await tx.execute<PrivacyNoticeRow[]>(
      `select ${COLUMNS} from compliance.privacy_notices n where n.tenant_id = ? and n.id = ?`,
      [tenantId, id],
    );
    return rows[0] ?? null;
  }

  async list(
    { tx, tenantId }: TenantScope,
    by: { language?: NoticeLanguage; current?: boolean },
  ): Promise<PrivacyNoticeRow[]> {
    const rows = await tx.execute<PrivacyNoticeRow[]>(
      `select ${COLUMNS} from compliance.privacy_notices n where n.tenant_id = ?
         ${by.language ? 'and n.language = ?' : ''} order by n.published_at desc, n.id desc limit 500`,
      by.language ? [tenantId, by.language] : [tenantId],
    );
    return by.current ? rows.filter((r) => r.current) : rows;
  }

  /** The current version in a language (null: none published in it). */
  async current({ tx, tenantId }: TenantScope, language: NoticeLanguage): Promise<PrivacyNoticeRow | null> {
    const rows = await tx.execute<PrivacyNoticeRow[]>(
      `select ${COLUMNS} from compliance.privacy_notices n where n.tenant_id = ? and n.language = ?
         order by n.version desc limit 1`,
      [tenantId, language],
    );
    return rows[0] ?? null;
  }

  /** Per language, the latest material version and when it was published (older consents need re-acceptance). */
  async latestMaterial({ tx, tenantId }: TenantScope): Promise<Map<string, { version: number; at: Date }>> {
    const rows = await tx.execute<{ language: string; version: number; published_at: Ts }[]>(
      `select distinct on (language) language, version, published_at from compliance.privacy_notices
         where tenant_id = ? and material order by language, version desc`,
      [tenantId],
    );
    return new Map(rows.map((r) => [r.language, { version: Number(r.version), at: new Date(r.published_at) }]));
  }

  /** Customers with an active consent given under a notice of this language: whom a material change concerns. */
  async consentingCustomers({ tx, tenantId }: TenantScope, language: NoticeLanguage, now: Date): Promise<string[]> {
    const rows = await tx.execute<{ customer_id: string }[]>(
      `select distinct r.customer_id from compliance.consent_records r
         where r.tenant_id = ? and r.notice_language = ? and r.customer_id is not null
           and (r.expires_at is null or r.expires_at > ?)
           and not exists (select 1 from compliance.consent_withdrawals w where w.record_id = r.id)
         order by r.customer_id`,
      [tenantId, language, now],
    );
    return rows.map((r) => r.customer_id);
  }

  /**
   * Principals known only by the address they gave (a consent with no customer record, e.g. given on the
   * public route): one consent per person (their blind index), active, under a notice of this language.
   */
  async consentingAddresses({ tx, tenantId }: TenantScope, language: NoticeLanguage, now: Date): Promise<string[]> {
    const rows = await tx.execute<{ id: string }[]>(
      `select distinct on (r.principal_idx) r.id from compliance.consent_records r
         where r.tenant_id = ? and r.notice_language = ? and r.customer_id is null and r.address_enc is not null
           and r.principal_idx is not null and (r.expires_at is null or r.expires_at > ?)
           and not exists (select 1 from compliance.consent_withdrawals w where w.record_id = r.id)
         order by r.principal_idx, r.given_at desc`,
      [tenantId, language, now],
    );
    return rows.map((r) => r.id);
  }

  /** How many were told (set once, by the service's own login after the notices are queued). */
  async setNotified(tx: Em, id: string, owner: number, principals: number): Promise<void> {
    await tx.execute(`update compliance.privacy_notices set notified_owner = ?, notified_principals = ? where id = ?`, [
      owner,
      principals,
      id,
    ]);
  }
}
