import {
  FeatureError,
  PrivacyError,
  PrivacyNoticeOps,
  uuidv7,
  type ListNoticesRequest,
  type PublishNoticeRequest,
} from '@lekha/contracts';
import { TenantAccess, type TenantScope } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import type { z } from 'zod';
import type { publicNoticeRequestSchema } from '@lekha/contracts';
import { ConsentRepository } from '../../consent/consent.repository.js';
import { RegisterNotices } from '../../registers/register-notices.js';
import { RegistersClock } from '../../registers/registers-clock.js';
import { RegistersRepository } from '../../registers/registers.repository.js';
import { noticeView, tenantNoticeView } from '../privacy-notice-view.js';
import { PrivacyNoticesRepository } from '../privacy-notices.repository.js';

const notFound = () => new FeatureError(PrivacyError.NoticeNotFound, 'no such privacy notice');

type Published =
  | { kind: 'published'; id: string; version: number; customers: string[] }
  | { kind: 'unknown_purposes'; keys: string[] }
  | { kind: 'version_taken'; next: number };

/**
 * Publishes the next version of the tenant's notice in a language. Versions are numbered from 1 per
 * language and never change. A material change (from version 2 on) is told, through notifications, to
 * the tenant's owner and to each customer with an active consent given under a notice of that language:
 * one register notice per person and version (a unique row), handed over by the register notices' round.
 * Consents given under an earlier version then read `needsReacceptance` until given again.
 */
@Handles(PrivacyNoticeOps.publishNotice)
export class PublishNoticeUseCase implements UseCase<typeof PrivacyNoticeOps.publishNotice> {
  constructor(
    private readonly access: TenantAccess,
    private readonly notices: PrivacyNoticesRepository,
    private readonly consents: ConsentRepository,
    private readonly registers: RegistersRepository,
    private readonly round: RegisterNotices,
    private readonly clock: RegistersClock,
  ) {}

  async execute(scope: OperationScope<typeof PrivacyNoticeOps.publishNotice>, input: PublishNoticeRequest) {
    const now = new Date();
    // One transaction for the publication and, for a material change, its queued notices: a crash between
    // the two can no longer publish a version nobody hears of. Register notices are the service's table (no
    // tenant grant), so it runs on the service's login with row-level security still set to the tenant.
    const result: Published = await this.access.runSpanning(scope, async (data) => {
      const known = new Set((await this.consents.purposes(data)).map((p) => p.key));
      const unknown = input.purposes.map((p) => p.key).filter((k) => !known.has(k));
      if (unknown.length) {
        await data.record({ outcome: 'denied', reason: 'purpose_unknown' });
        return { kind: 'unknown_purposes', keys: unknown };
      }
      const next = (await this.notices.latestVersion(data, input.language)) + 1;
      if (input.version !== undefined && input.version !== next) {
        await data.record({ outcome: 'denied', reason: 'version_taken' });
        return { kind: 'version_taken', next };
      }
      const id = uuidv7();
      const inserted = await this.notices.insert(data, {
        id,
        language: input.language,
        version: next,
        title: input.title,
        content: { sections: input.sections, categories: input.categories, purposes: input.purposes },
        material: input.material,
        summaryOfChanges: input.summaryOfChanges ?? null,
        publishedAt: now,
        publishedBy: { type: scope.ctx.actorType, id: scope.ctx.actorId },
      });
      if (!inserted) {
        await data.record({ outcome: 'denied', reason: 'version_taken' });
        return { kind: 'version_taken', next: next + 1 };
      }
      const material = input.material && next > 1;
      const customers = material ? await this.notices.consentingCustomers(data, input.language, now) : [];
      const addressed = material ? await this.notices.consentingAddresses(data, input.language, now) : [];
      await data.record({
        resource: { id },
        reason: `${input.language}_v${next}${input.material ? '_material' : ''}`,
        // Reading whose consents depend on the notice is reading consent records.
        ...(customers.length
          ? { subjectIds: customers, fields: [{ name: 'consent', category: 'user.consent' as const }] }
          : {}),
      });
      if (material) await this.queueNotices(data, id, customers, addressed);
      return { kind: 'published', id, version: next, customers };
    });
    if (result.kind === 'unknown_purposes')
      throw new FeatureError(
        PrivacyError.PurposeUnknown,
        `not the tenant's purposes: ${result.keys.join(', ')} (see GET /v1/privacy/purposes)`,
      );
    if (result.kind === 'version_taken')
      throw new FeatureError(
        PrivacyError.NoticeVersionTaken,
        `versions never change: the next ${input.language} version is ${result.next}`,
      );
    // The round hands them over now; should this fail, its next tick does (each row once).
    if (input.material && result.version > 1) await this.round.runOnce(result.id).catch(() => 0);
    return this.access.run(scope, async (data) => tenantNoticeView((await this.notices.find(data, result.id))!));
  }

  /**
   * One register notice per recipient — the owner, each consenting customer, and each principal known only by
   * the address on their consent — in the publication's transaction.
   */
  private async queueNotices(
    data: TenantScope,
    noticeId: string,
    customers: string[],
    consents: string[],
  ): Promise<void> {
    const due = this.clock.now();
    const recipients = [
      { recipientType: 'tenant_owner' as const, customerId: null },
      ...customers.map((c) => ({ recipientType: 'customer' as const, customerId: c })),
      ...consents.map((c) => ({ recipientType: 'principal' as const, customerId: null, consentId: c })),
    ];
    for (const r of recipients)
      await this.registers.insertNotice(data.tx, {
        id: uuidv7(),
        sourceType: 'privacy_notice',
        sourceId: noticeId,
        tenantId: data.tenantId,
        ...r,
        dueAt: due,
        createdAt: due,
      });
    await this.notices.setNotified(data.tx, noticeId, 1, customers.length + consents.length);
    await data.record({
      action: 'create',
      resource: { type: 'privacy_notice_change', id: noticeId },
      subjectIds: customers,
      reason: 'material_change_notices',
    });
  }
}

@Handles(PrivacyNoticeOps.listNotices)
export class ListNoticesUseCase implements UseCase<typeof PrivacyNoticeOps.listNotices> {
  constructor(
    private readonly access: TenantAccess,
    private readonly notices: PrivacyNoticesRepository,
  ) {}

  execute(scope: OperationScope<typeof PrivacyNoticeOps.listNotices>, q: ListNoticesRequest) {
    return this.access.run(scope, async (data) => {
      const rows = await this.notices.list(data, {
        ...(q.language ? { language: q.language } : {}),
        ...(q.current ? { current: true } : {}),
      });
      await data.record({});
      return { items: rows.map(tenantNoticeView) };
    });
  }
}

@Handles(PrivacyNoticeOps.getNotice)
export class GetNoticeUseCase implements UseCase<typeof PrivacyNoticeOps.getNotice> {
  constructor(
    private readonly access: TenantAccess,
    private readonly notices: PrivacyNoticesRepository,
  ) {}

  execute(scope: OperationScope<typeof PrivacyNoticeOps.getNotice>, { id }: { id: string }) {
    return this.access.runOnOne(
      scope,
      id,
      async (data) => {
        const row = await this.notices.find(data, id);
        if (row) await data.record({ resource: { id } });
        return row ? tenantNoticeView(row) : null;
      },
      notFound,
    );
  }
}

/**
 * The public read: the tenant's current notice in the language asked for, or the English one when the
 * language has none. Anyone may read it (a principal reads it before consenting); read as the service,
 * audited. A tenant unknown here, or with no notice, answers 404.
 */
@Handles(PrivacyNoticeOps.publicNotice)
export class PublicNoticeUseCase implements UseCase<typeof PrivacyNoticeOps.publicNotice> {
  constructor(
    private readonly access: TenantAccess,
    private readonly notices: PrivacyNoticesRepository,
  ) {}

  async execute(
    _scope: OperationScope<typeof PrivacyNoticeOps.publicNotice>,
    q: z.output<typeof publicNoticeRequestSchema>,
  ) {
    const found = await this.access.runAsService(q.tenantId, 'compliance', async (data) => {
      const asked = await this.notices.current(data, q.language);
      const row = asked ?? (q.language === 'en' ? null : await this.notices.current(data, 'en'));
      await data.record({
        resource: { type: 'privacy_notice', id: row?.id ?? null },
        reason: 'public_read',
        ...(row ? {} : { outcome: 'denied' as const }),
      });
      return row ? { ...noticeView(row), fallback: asked === null } : null;
    });
    if (!found) throw notFound();
    return found;
  }
}
