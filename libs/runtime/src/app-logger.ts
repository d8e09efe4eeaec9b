import { Injectable } from '@nestjs/common';
import type { Logger } from 'pino';

/** Injectable handle on the service's pino logger. */
@Injectable()
export class AppLogger {
  constructor(readonly pino: Logger) {}
}
