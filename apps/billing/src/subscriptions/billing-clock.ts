import { Injectable } from '@nestjs/common';

/** Billing's clock: trials, periods, grace and proration are judged against it (tests may set it). */
@Injectable()
export class BillingClock {
  private fixed: Date | null = null;
  now(): Date {
    return this.fixed ? new Date(this.fixed) : new Date();
  }
  /** Tests: hold the clock at `at` (null lets it run again). */
  set(at: Date | null): void {
    this.fixed = at;
  }
}
