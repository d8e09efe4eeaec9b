import { createHmac } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { blindIndex } from '@lekha/crypto';
import { MASTER_KEY } from '@lekha/runtime';

/**
 * What a receipt's deduplication key becomes before it is stored (applied receipts, parked receipts):
 * a platform-keyed hash of it. A provider's key may carry a digest of the recipient's number — an MSG91
 * report names its request and the number, and one request may have several numbers — and an unkeyed
 * digest of a ten-digit number is undone by hashing every number there is. Keyed, the stored key still
 * recognises the provider posting the same receipt again, and says nothing about the number.
 */
@Injectable()
export class ReceiptDedupKeys {
  private readonly key: Buffer;
  constructor(@Inject(MASTER_KEY) masterKey: Buffer) {
    this.key = createHmac('sha256', masterKey).update('notifications/receipt-dedup/v1').digest();
  }
  of(providerKey: string): string {
    return blindIndex(this.key, providerKey);
  }
}
