import { Injectable } from '@nestjs/common';

/** Compliance's clock for rights requests: due dates and overdue are judged against it (tests may move it). */
@Injectable()
export class RightsClock {
  now(): Date {
    return new Date();
  }
}
