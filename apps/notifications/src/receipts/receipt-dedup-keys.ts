import { Inject, Injectable } from '@nestjs/common';
import { PurposeIndex } from '@lekha/crypto';
import { MASTER_KEY } from '@lekha/runtime';

/**
 * What a receipt's deduplication key becomes before it is stored (applied receipts, parked receipts):
 * a platform-keyed hash of it. A provider's key may carry a digest of the recipient's number — an MSG91
 * report names its request and the number, and one request may have several numbers — and an unkeyed
 * digest of a ten-digit number is undone by hashing every number there is. Keyed, the stored key still
 * recognises the provider posting the same receipt again, and says nothing about the number.
 */
@Injectable()
export class ReceiptDedupKeys extends PurposeIndex {
  constructor(@Inject(MASTER_KEY) masterKey: Buffer) {
    super(masterKey, 'notifications/receipt-dedup/v1');
  }
}
