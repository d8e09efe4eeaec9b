import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import type { ConsentPurpose, TemplateCategory } from '@lekha/contracts';
import { RecipientPreferencesRepository } from './recipient-preferences.repository.js';

/** The purpose whose consent a category needs; null when none is needed (transactional, service-implicit). */
export function consentPurposeOf(category: TemplateCategory): Exclude<ConsentPurpose, 'whatsapp'> | null {
  return category === 'promotional' || category === 'service_explicit' ? category : null;
}

/** Whether a principal consented, at `now`, to messages for a purpose (an expired consent is none). */
export abstract class ConsentPort {
  abstract hasConsent(data: TenantScope, recipientIdx: string, purpose: ConsentPurpose, now: Date): Promise<boolean>;
}

/**
 * Reads notifications' consent view: compliance owns the consent records and publishes each change,
 * which `ConsentChanges` applies here (see docs/privacy.md); the view is what every send and every
 * dispatch checks, so a withdrawal binds as soon as it is applied.
 */
@Injectable()
export class ConsentViewPort extends ConsentPort {
  constructor(private readonly prefs: RecipientPreferencesRepository) {
    super();
  }

  hasConsent(data: TenantScope, recipientIdx: string, purpose: ConsentPurpose, now: Date): Promise<boolean> {
    return this.prefs.consent(data, recipientIdx, purpose, now);
  }
}
