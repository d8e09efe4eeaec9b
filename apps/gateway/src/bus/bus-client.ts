import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { AppLogger, BusSeal, BusClient as PlatformBusClient, InjectConfig } from '@lekha/runtime';
import type { GatewayConfig } from '../config/gateway.config.js';

/** The gateway's bus client: the runtime's, configured from the gateway's settings. */
@Injectable()
export class BusClient extends PlatformBusClient implements OnApplicationShutdown {
  constructor(@InjectConfig() config: GatewayConfig, logger: AppLogger, @Inject(BusSeal) seal: BusSeal) {
    super({
      clientId: 'gateway',
      brokers: config.KAFKA_BROKERS,
      logger: logger.pino,
      seal,
      timeoutMs: config.RPC_TIMEOUT_MS,
      replyKeyRotateMs: config.REPLY_KEY_ROTATE_MS,
      transitKeyTtlMs: config.TRANSIT_KEY_TTL_MS,
      checkReplies: config.LEKHA_ENV !== 'production',
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
