import { Injectable } from '@nestjs/common';

/** The registers' clock: due notices, legal bars and the breach clocks are judged against it (tests hold it still). */
@Injectable()
export class RegistersClock {
  now(): Date {
    return new Date();
  }
}
