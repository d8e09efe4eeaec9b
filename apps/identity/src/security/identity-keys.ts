import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { blindIndex } from '@lekha/crypto';
import { MASTER_KEY } from '@lekha/runtime';

/**
 * Platform keys derived from the master key for keyed hashes that must work before the tenant is
 * known: client IPs (throttling), one-time codes and single-use tokens.
 */
@Injectable()
export class IdentityKeys {
  private readonly ipKey: Buffer;
  private readonly secretKey: Buffer;

  constructor(@Inject(MASTER_KEY) masterKey: Buffer) {
    this.ipKey = createHmac('sha256', masterKey).update('identity/ip-index/v1').digest();
    this.secretKey = createHmac('sha256', masterKey).update('identity/one-time-secrets/v1').digest();
  }

  ip(ip: string): string {
    return blindIndex(this.ipKey, ip);
  }

  /** A keyed hash of an OTP or token: a stolen table does not let anyone test 10^6 codes offline. */
  secret(purpose: string, value: string): string {
    return blindIndex(this.secretKey, `${purpose}:${value}`);
  }
}
