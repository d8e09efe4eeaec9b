import { Injectable } from '@nestjs/common';

/** Compliance's clock for support grants: approval time, and expiry judged at every read (tests may move it). */
@Injectable()
export class SupportClock {
  now(): Date {
    return new Date();
  }
}
