import { randomUUID } from 'node:crypto';
import { UseCaseHarness } from '@lekha/use-case-testing';
import type { Channel, MessagingProvider, OutboundMessage, ProviderName, SendResult } from '@lekha/providers';
import { AppModule, SERVICE } from '../src/app.module.js';
import { notificationsConfigSchema } from '../src/config/notifications.config.js';

/** Notifications' use cases in-process on a real database, no broker; the dispatcher is driven by hand. */
export function startNotifications(env: Record<string, string> = {}): Promise<UseCaseHarness> {
  return UseCaseHarness.start({
    service: SERVICE,
    schema: 'notifications',
    configSchema: notificationsConfigSchema,
    module: (config, logger) => AppModule.register(config, logger),
    env: {
      NOTIFICATIONS_DISPATCHER: 'off',
      NOTIFICATIONS_RETRY_BASE_MS: '0',
      NOTIFICATIONS_MAX_ATTEMPTS: '3',
      // Long enough for a real HTTP round trip to the simulator on a loaded machine; one test waits it out once.
      NOTIFICATIONS_PROVIDER_TIMEOUT_MS: '2000',
      ...env,
    },
  });
}

/**
 * A provider for tests: counts its calls (what it was asked to send) and answers as told —
 * accepted by default, or the outcome set for that message, or each queued outcome in turn; `hang` makes a
 * call never answer.
 */
export class FakeProvider implements MessagingProvider {
  readonly calls: OutboundMessage[] = [];
  readonly outcomes: (SendResult | 'hang')[] = [];
  /** Outcomes for given messages, whatever order concurrent calls arrive in (taken before `outcomes`). */
  readonly outcomesFor = new Map<string, SendResult | 'hang'>();

  /** Batching (`{ batching: true }`): each request's messages, one entry per provider call. */
  readonly requests: OutboundMessage[][] = [];
  readonly refsPerRecipient?: boolean;
  readonly maxPerRequest?: number;
  readonly batchKey?: (message: OutboundMessage) => string | null;
  readonly sendMany?: (messages: readonly OutboundMessage[]) => Promise<SendResult[]>;

  /**
   * `batching`: like an MSG91 flow — messages of one DLT template go in one request (`sendMany`), which
   * answers one ID (or the one queued outcome) for all of them, and receipts name the request and the number.
   */
  constructor(
    readonly name: ProviderName,
    readonly channels: readonly Channel[],
    { batching = false, maxPerRequest }: { batching?: boolean; maxPerRequest?: number } = {},
  ) {
    if (!batching) return;
    this.refsPerRecipient = true;
    this.maxPerRequest = maxPerRequest;
    this.batchKey = (message) => message.sms?.dltTemplateId ?? null;
    this.sendMany = (messages) => {
      this.requests.push([...messages]);
      this.calls.push(...messages);
      const next = this.outcomes.shift();
      if (next === 'hang') return new Promise(() => undefined);
      const result = next ?? { ok: true, providerMessageId: `${this.name}-request-${randomUUID()}` };
      return Promise.resolve(messages.map(() => result));
    };
  }

  send(message: OutboundMessage): Promise<SendResult> {
    this.calls.push(message);
    this.requests.push([message]);
    const own = this.outcomesFor.get(message.messageId);
    if (own !== undefined) this.outcomesFor.delete(message.messageId);
    const next = own ?? this.outcomes.shift();
    if (next === 'hang') return new Promise(() => undefined);
    return Promise.resolve(next ?? { ok: true, providerMessageId: `${this.name}-${randomUUID()}` });
  }
}

export const failure = (over: Partial<Extract<SendResult, { ok: false }>> = {}): SendResult => ({
  ok: false,
  code: 'PROVIDER_UNAVAILABLE',
  retryable: true,
  maybeAccepted: false,
  ...over,
});
