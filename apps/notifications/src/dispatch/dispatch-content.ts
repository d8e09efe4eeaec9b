import { Inject, Injectable } from '@nestjs/common';
import {
  notificationTransportKey,
  type AddressedDispatchContent,
  type DispatchContent,
  type NotificationDispatch,
} from '@lekha/contracts';
import { open } from '@lekha/crypto';
import { MASTER_KEY } from '@lekha/runtime';

/** Opens a dispatch's sealed recipient and text (the transport key both services derive from the master key). */
@Injectable()
export class DispatchContentOpener {
  private readonly transportKey: Buffer;

  constructor(@Inject(MASTER_KEY) masterKey: Buffer) {
    this.transportKey = notificationTransportKey(masterKey);
  }

  /** The recipient and text, or (a register notice) the recipient by ID and the text. */
  open(m: NotificationDispatch): DispatchContent | AddressedDispatchContent {
    return JSON.parse(
      open(this.transportKey, Buffer.from(m.sealed, 'base64'), Buffer.from(m.messageId)).toString('utf8'),
    ) as DispatchContent | AddressedDispatchContent;
  }
}
