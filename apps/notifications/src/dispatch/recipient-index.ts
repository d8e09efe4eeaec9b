import { Inject, Injectable } from '@nestjs/common';
import { PurposeIndex } from '@lekha/crypto';
import { MASTER_KEY } from '@lekha/runtime';

/** A keyed hash of a recipient (phone or email), so the inbox can be searched without storing it. */
@Injectable()
export class RecipientIndex extends PurposeIndex {
  constructor(@Inject(MASTER_KEY) masterKey: Buffer) {
    super(masterKey, 'notifications/recipient-index/v1');
  }
}
