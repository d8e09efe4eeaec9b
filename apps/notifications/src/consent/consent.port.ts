import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import type { ConsentPurpose, TemplateCategory } from '@lekha/contracts';
import { RecipientPreferencesRepository } from './recipient-preferences.repository.js';

/** The purpose whose consent a category needs; null when none is needed (transactional, service-implicit). */
export function consentPurposeOf(category: TemplateCategory): Exclude<ConsentPurpose, 'whatsapp'> | null {
  return category === 'promotional' || category === 'service_explicit' ? category : null;
}

/**
 * Whether a principal consented to messages for a purpose. Compliance will own consent records;
 * until then the one implementation reads notifications' own consent table.
 */
export abstract class ConsentPort {
  abstract hasConsent(data: TenantScope, recipientIdx: string, purpose: ConsentPurpose): Promise<boolean>;
}

@Injectable()
export class TableConsentPort extends ConsentPort {
  constructor(private readonly prefs: RecipientPreferencesRepository) {
    super();
  }

  hasConsent(data: TenantScope, recipientIdx: string, purpose: ConsentPurpose): Promise<boolean> {
    return this.prefs.consent(data, recipientIdx, purpose);
  }
}
