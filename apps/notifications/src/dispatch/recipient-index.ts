import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { blindIndex } from '@lekha/crypto';
import { MASTER_KEY } from '@lekha/runtime';

/** A keyed hash of a recipient (phone or email), so the inbox can be searched without storing it. */
@Injectable()
export class RecipientIndex {
  private readonly key: Buffer;
  constructor(@Inject(MASTER_KEY) masterKey: Buffer) {
    this.key = createHmac('sha256', masterKey).update('notifications/recipient-index/v1').digest();
  }
  of(recipient: string): string {
    return blindIndex(this.key, recipient);
  }
}
