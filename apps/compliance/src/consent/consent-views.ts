import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import { CONSENT_APPLIERS, type ConsentView } from '@lekha/contracts';
import { needsReacceptance } from '../privacy-notices/privacy-notice-view.js';
import { PrivacyNoticesRepository } from '../privacy-notices/privacy-notices.repository.js';
import { ConsentClock } from './consent-clock.js';
import { consentView } from './consent-view.js';
import { ConsentRepository, type ConsentRecordRow } from './consent.repository.js';

/** Rows to views, with where each act was applied and whether a material notice change asks for it again. */
@Injectable()
export class ConsentViews {
  constructor(
    private readonly consents: ConsentRepository,
    private readonly notices: PrivacyNoticesRepository,
    private readonly clock: ConsentClock,
  ) {}

  async of(data: TenantScope, rows: ConsentRecordRow[]): Promise<ConsentView[]> {
    const acts = rows.flatMap((r) => [r.id, r.withdrawal_id, r.erasure_act_id].filter((a): a is string => !!a));
    const applications = await this.consents.applications(data, acts);
    const material = await this.notices.latestMaterial(data);
    const now = this.clock.now();
    const views = rows.map((r) => consentView(data.cipher, r, applications, CONSENT_APPLIERS, now));
    const stale = rows.map(
      (r, i) =>
        views[i]!.status === 'active' &&
        needsReacceptance(
          { version: r.notice_version, language: r.notice_language, at: new Date(r.given_at) },
          material,
        ),
    );
    // A record given again under the current version (same principal and purpose, active) re-accepts the older ones.
    return views.map((v, i) => ({
      ...v,
      needsReacceptance:
        stale[i]! &&
        !rows.some(
          (o, j) =>
            j !== i &&
            !stale[j] &&
            views[j]!.status === 'active' &&
            o.principal_idx === rows[i]!.principal_idx &&
            o.purpose === rows[i]!.purpose,
        ),
    }));
  }
}
