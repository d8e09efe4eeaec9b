import { Injectable } from '@nestjs/common';
import type { RightsErasure, RightsPart, RightsPartRequestedEvent } from '@lekha/contracts';
import type { RightsHandler } from '@lekha/runtime';
import { IDENTITY_PERSONAL_DATA } from './personal-data.js';

/**
 * Identity's part: empty by its declarations — every table it has is about people who sign in, none
 * about a tenant's customers — and it says so, so the principal's document shows identity was asked.
 */
@Injectable()
export class IdentityRightsHandler implements RightsHandler {
  readonly service = 'identity' as const;
  readonly declarations = IDENTITY_PERSONAL_DATA;

  part(_request: RightsPartRequestedEvent): Promise<RightsPart> {
    const answered = this.declarations.filter((d) => d.principalColumn !== null);
    if (answered.length) throw new Error('identity declares customer data: its rights handler must answer for it');
    return Promise.resolve({
      service: this.service,
      holdings: [],
      sharedWith: [],
      activities: [],
      note: 'identity holds accounts of the business’s owners and staff only, nothing about its customers',
    });
  }

  /** Nothing to erase: identity holds no customer's data (its declarations say so; `part` checks it). */
  async erase(request: RightsPartRequestedEvent): Promise<RightsErasure> {
    await this.part(request);
    return { erased: [], retained: [] };
  }
}
