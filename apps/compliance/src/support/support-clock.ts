import { Injectable } from '@nestjs/common';

/**
 * Compliance's clock for support: request and approval times, and the lapse and expiry judged at every read.
 * Use-case tests hold it still; outside production an e2e suite moves it ahead of real time through
 * `PUT /v1/platform/support/clock` (development and test only: not served in production).
 */
@Injectable()
export class SupportClock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  get offsetHours(): number {
    return Math.round(this.offsetMs / 3600_000);
  }

  /** Sets the clock `hours` ahead of real time (0 puts it back). */
  setOffset(hours: number): void {
    this.offsetMs = hours * 3600_000;
  }
}
