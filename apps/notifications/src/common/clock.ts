import { Injectable } from '@nestjs/common';

/** The service's one clock: sending windows, backoff and leases read it (tests may hold it still). */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
