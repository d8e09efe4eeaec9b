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
  /** The consents of several recipients read at once (undefined for a recipient not asked for). */
  abstract consentsOf(
    data: TenantScope,
    recipientIdxs: readonly string[],
  ): Promise<(recipientIdx: string, purpose: ConsentPurpose, now: Date) => boolean | undefined>;
}

/** What a rule check asks of consent. */
export type ConsentCheck = Pick<ConsentPort, 'hasConsent'>;

/**
 * A transaction's consent checks for a known set of recipients: the first check reads all of theirs in
 * one statement; a recipient outside the set is asked on its own.
 */
export function consentFor(port: ConsentPort, data: TenantScope, recipientIdxs: readonly string[]): ConsentCheck {
  let known: ReturnType<ConsentPort['consentsOf']> | undefined;
  return {
    async hasConsent(d, idx, purpose, now) {
      const answer = (await (known ??= port.consentsOf(data, recipientIdxs)))(idx, purpose, now);
      return answer ?? port.hasConsent(d, idx, purpose, now);
    },
  };
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

  consentsOf(data: TenantScope, recipientIdxs: readonly string[]) {
    return this.prefs.consentsOf(data, recipientIdxs);
  }
}
