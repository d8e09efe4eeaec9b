import { TenantKeysetDestroyedError } from '@lekha/crypto';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { NOTIFICATIONS_DISPATCH_TOPIC, notificationDispatchSchema } from '@lekha/contracts';
import { AppLogger, type BusContext } from '@lekha/runtime';
import { contextFromHeaders, runWithContext } from '@lekha/tenancy';
import { DeliverToDevInboxUseCase } from './deliver-to-dev-inbox.use-case.js';

/** Consumes `notifications.dispatch.v1`. Logs carry IDs only: recipients and texts stay sealed. */
@Controller()
export class DispatchController {
  constructor(
    private readonly deliver: DeliverToDevInboxUseCase,
    private readonly logger: AppLogger,
  ) {}

  @EventPattern(NOTIFICATIONS_DISPATCH_TOPIC)
  // `unknown` because EventPattern's typing accepts only that; the bus server passes a BusContext.
  async onDispatch(@Payload() payload: unknown, @Ctx() kafka: unknown): Promise<void> {
    const ctx = contextFromHeaders((kafka as BusContext).getHeaders());
    await runWithContext({ ...ctx, actorType: 'service', actorId: 'notifications' }, async () => {
      const parsed = notificationDispatchSchema.safeParse(payload);
      if (!parsed.success) {
        this.logger.pino.warn(
          { issues: parsed.error.issues.map((i) => i.path.join('.')) },
          'dispatch message refused: not a valid envelope',
        );
        return;
      }
      try {
        await this.deliver.execute(parsed.data);
        this.logger.pino.info(
          { messageId: parsed.data.messageId, purpose: parsed.data.purpose },
          'message delivered to the development inbox',
        );
      } catch (err) {
        if (err instanceof TenantKeysetDestroyedError) {
          // The tenant was erased after the message was sent: there is no one left to deliver it to.
          this.logger.pino.info({ messageId: parsed.data.messageId }, 'message dropped: its tenant has been erased');
          return;
        }
        this.logger.pino.error(
          { messageId: parsed.data.messageId, error: (err as Error).message },
          'message could not be delivered',
        );
        throw err;
      }
    });
  }
}
