import { Inject, Injectable } from '@nestjs/common';
import { normalizePhone } from '@lekha/contracts';
import { PurposeIndex } from '@lekha/crypto';
import { MASTER_KEY } from '@lekha/runtime';

/**
 * A platform-keyed hash of a recipient's number, so an inbound message (which names only its sender)
 * finds the tenants that messaged that number. Its own key: not joinable with the development inbox's index.
 */
@Injectable()
export class RecipientRouteIndex extends PurposeIndex {
  constructor(@Inject(MASTER_KEY) masterKey: Buffer) {
    super(masterKey, 'notifications/recipient-route/v1');
  }

  /**
   * The reference a message is found by when its provider's message ID names a request of several
   * recipients (`refsPerRecipient`: an MSG91 flow request): the request's ID and this index of the number,
   * as the send knows it (E.164) and as the provider's receipt reports it (digits with the country code).
   */
  refOf(providerMessageId: string, number: string): string {
    const e164 = normalizePhone(number.startsWith('+') ? number : `+${number}`) ?? number;
    return `${providerMessageId}/${this.of(e164)}`;
  }
}
