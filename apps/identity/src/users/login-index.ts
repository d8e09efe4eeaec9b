import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { phoneLookupForms } from '@lekha/contracts';
import { blindIndex } from '@lekha/crypto';
import { MASTER_KEY } from '@lekha/runtime';

/** What a typed email or phone is looked up by: its index, and for a phone every stored form's. */
export interface LoginKey {
  /** The index of the identifier's current normal form (also what throttles it). */
  idx: string;
  column: 'emailIdx' | 'phoneIdx';
  /** Every index a row of this identifier may carry (`idx` first). */
  lookup: string[];
}

/** Platform-wide blind index of login identifiers (sign-in does not know the tenant yet). */
@Injectable()
export class LoginIndex {
  private readonly key: Buffer;
  constructor(@Inject(MASTER_KEY) masterKey: Buffer) {
    this.key = createHmac('sha256', masterKey).update('identity/login-index/v1').digest();
  }
  email(email: string): string {
    return blindIndex(this.key, `email:${email}`);
  }
  phone(phone: string): string {
    return blindIndex(this.key, `phone:${phone}`);
  }

  /** The key of an email or a normalised phone; a phone also matches rows stored under an earlier form. */
  of(identifier: { email?: string; phone?: string }): LoginKey {
    if (identifier.email !== undefined) {
      const idx = this.email(identifier.email);
      return { idx, column: 'emailIdx', lookup: [idx] };
    }
    const lookup = phoneLookupForms(identifier.phone!).map((p) => this.phone(p));
    return { idx: lookup[0]!, column: 'phoneIdx', lookup };
  }
}
