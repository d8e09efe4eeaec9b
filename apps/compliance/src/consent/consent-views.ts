import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import { CONSENT_APPLIERS, type ConsentView } from '@lekha/contracts';
import { ConsentClock } from './consent-clock.js';
import { consentView } from './consent-view.js';
import { ConsentRepository, type ConsentRecordRow } from './consent.repository.js';

/** Rows to views, with where each act was applied. */
@Injectable()
export class ConsentViews {
  constructor(
    private readonly consents: ConsentRepository,
    private readonly clock: ConsentClock,
  ) {}

  async of(data: TenantScope, rows: ConsentRecordRow[]): Promise<ConsentView[]> {
    const acts = rows.flatMap((r) => (r.withdrawal_id ? [r.id, r.withdrawal_id] : [r.id]));
    const applications = await this.consents.applications(data, acts);
    const now = this.clock.now();
    return rows.map((r) => consentView(data.cipher, r, applications, CONSENT_APPLIERS, now));
  }
}
