import { Injectable } from '@nestjs/common';

/** Compliance's clock for consent: expiry is judged against it (tests may hold it still). */
@Injectable()
export class ConsentClock {
  now(): Date {
    return new Date();
  }
}
