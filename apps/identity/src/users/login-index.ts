import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { blindIndex } from '@lekha/crypto';
import { MASTER_KEY } from '@lekha/runtime';

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
}
