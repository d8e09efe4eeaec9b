import { TenantKeysetDestroyedError } from '@lekha/crypto';
import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { NOTIFICATIONS_DISPATCH_TOPIC, notificationDispatchSchema, type DispatchContent } from '@lekha/contracts';
import { AppLogger, type BusContext } from '@lekha/runtime';
import { contextFromHeaders, runWithContext } from '@lekha/tenancy';
import { DeliverToDevInboxUseCase } from './deliver-to-dev-inbox.use-case.js';
import { DispatchContentOpener } from './dispatch-content.js';
import { DevInboxCopies } from './dev-inbox-copies.js';
import { NoticeRecipients } from './notice-recipients.js';
import { QueuePlatformMessageUseCase } from './queue-platform-message.use-case.js';

/**
 * Consumes `notifications.dispatch.v1`: the message is queued for the platform's providers (the
 * dispatcher sends it) and, outside production, copied to the development inbox. Logs carry IDs
 * only: recipients and texts stay sealed.
 */
@Controller()
export class DispatchController {
  constructor(
    private readonly deliver: DeliverToDevInboxUseCase,
    private readonly queue: QueuePlatformMessageUseCase,
    private readonly content: DispatchContentOpener,
    private readonly devInbox: DevInboxCopies,
    private readonly notices: NoticeRecipients,
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
      let m = parsed.data;
      let opened: ReturnType<typeof this.content.open>;
      try {
        opened = this.content.open(m);
      } catch {
        // Not sealed with this platform's transport key (forged, or another platform's on a shared broker):
        // nothing here can read it, so it is dropped rather than retried for ever ahead of every later message.
        this.logger.pino.warn({ messageId: m.messageId }, 'dispatch message refused: its content does not open');
        return;
      }
      try {
        let content: DispatchContent;
        let customerId: string | null = null;
        if ('recipient' in opened) {
          // A register notice addressed by ID: its contact is found first (as this service).
          const resolved = m.tenantId ? await this.notices.resolve({ ...m, tenantId: m.tenantId }, opened) : null;
          if (!resolved) {
            this.logger.pino.warn({ messageId: m.messageId, purpose: m.purpose }, 'notice dropped: no such recipient');
            return;
          }
          m = { ...m, channel: resolved.channel };
          content = resolved.content;
          customerId = resolved.customerId;
        } else content = opened;
        if (m.tenantId) {
          const queued = await this.queue.execute({ ...m, tenantId: m.tenantId }, content, customerId);
          if (queued) this.logger.pino.info({ messageId: m.messageId, purpose: m.purpose }, 'platform message queued');
        } else if (!this.devInbox.enabled) {
          this.logger.pino.warn(
            { messageId: m.messageId },
            'dispatch without a tenant dropped: nothing to encrypt it under',
          );
          return;
        }
        if (this.devInbox.enabled) {
          await this.deliver.execute(m, content);
          this.logger.pino.info(
            { messageId: m.messageId, purpose: m.purpose },
            'message delivered to the development inbox',
          );
        }
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
