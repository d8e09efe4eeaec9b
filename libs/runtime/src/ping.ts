import { Controller, type Type } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';

/** A request/reply liveness check over the bus, so the gateway can report each service's health. */
export function pingController(pattern: string, service: string): Type {
  @Controller()
  class PingController {
    @MessagePattern(pattern)
    ping() {
      return { ok: true, data: { service, at: new Date().toISOString() } };
    }
  }
  return PingController;
}
