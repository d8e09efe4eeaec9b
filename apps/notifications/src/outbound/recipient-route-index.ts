import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { blindIndex } from '@lekha/crypto';
import { MASTER_KEY } from '@lekha/runtime';

/**
 * A platform-keyed hash of a recipient's number, so an inbound message (which names only its sender)
 * finds the tenants that messaged that number. Its own key: not joinable with the development inbox's index.
 */
@Injectable()
export class RecipientRouteIndex {
  private readonly key: Buffer;
  constructor(@Inject(MASTER_KEY) masterKey: Buffer) {
    this.key = createHmac('sha256', masterKey).update('notifications/recipient-route/v1').digest();
  }
  of(recipient: string): string {
    return blindIndex(this.key, recipient);
  }
}
