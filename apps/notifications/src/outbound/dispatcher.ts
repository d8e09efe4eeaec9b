import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import { uuidv7, type MessageStatus } from '@lekha/contracts';
import { TenantKeysetDestroyedError } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import type { MessagingProvider, OutboundMessage, SendResult } from '@lekha/providers';
import { AppLogger } from '@lekha/runtime';
import { Clock } from '../common/clock.js';
import { ServiceTenantAccess } from '../common/service-tenant-access.js';
import { ConsentPort } from '../consent/consent.port.js';
import { RecipientPreferencesRepository } from '../consent/recipient-preferences.repository.js';
import { MessageRepository, type MessageRow } from '../messages/message.repository.js';
import { lawfulRefusal, whatsappWindowOpen } from '../rules/lawful-send.js';
import { deferUntil } from '../rules/sending-window.js';
import { SettingsRepository } from '../settings/settings.repository.js';
import { TemplateRepository } from '../templates/template.repository.js';
import { retryDelayMs } from './backoff.js';
import { DispatchOptions } from './dispatch-options.js';
import { DispatchQueueRepository, type ClaimedMessage } from './dispatch-queue.repository.js';
import { ProviderRefsRepository } from './provider-refs.repository.js';
import { ProviderRegistry } from './provider-registry.js';
import { isPlatformMessage, platformSubject, PlatformSmsSettings } from './platform-messages.js';

const DONE: ReadonlySet<MessageStatus> = new Set(['sent', 'delivered', 'read', 'failed', 'dead', 'cancelled']);

/** A provider call about to be made: its attempt row is committed (`sending`) before the call. */
interface PreparedSend {
  messageId: string;
  attemptId: string;
  attemptNo: number;
  provider: MessagingProvider;
  outbound: OutboundMessage;
}

/**
 * Sends queued messages. Each round claims due rows of the durable queue (skip-locked, leased: safe
 * with several instances), then per message: checks the rules again (opt-out, consent, sending
 * window), picks the next provider of the channel's fallback list, records the attempt as `sending`
 * and commits, calls the provider, and records the outcome. A retryable error is retried with
 * exponential backoff and jitter on the next provider; after the last attempt the message is dead.
 *
 * Never twice by one provider: a provider with an attempt that was accepted, or whose outcome is
 * unknown (a timeout that may have been accepted, or an attempt left `sending` by a worker that
 * died), is never used again for that message — the next provider is, or the message fails.
 */
@Injectable()
export class Dispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;

  constructor(
    private readonly db: Database,
    private readonly queue: DispatchQueueRepository,
    private readonly messages: MessageRepository,
    private readonly templates: TemplateRepository,
    private readonly settings: SettingsRepository,
    private readonly prefs: RecipientPreferencesRepository,
    private readonly consent: ConsentPort,
    private readonly refs: ProviderRefsRepository,
    private readonly access: ServiceTenantAccess,
    private readonly registry: ProviderRegistry,
    private readonly clock: Clock,
    private readonly options: DispatchOptions,
    private readonly logger: AppLogger,
    private readonly platformSms: PlatformSmsSettings,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    this.loop = this.run();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let handled = 0;
      try {
        handled = await this.runOnce();
      } catch (err) {
        this.logger.pino.warn({ error: (err as Error).message }, 'dispatch round failed; will retry');
      }
      if (handled < this.options.batch && !this.stopped)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.options.intervalMs);
          this.wake = () => (clearTimeout(timer), resolve());
        });
    }
  }

  /** One round: claims due messages and sends them; answers how many were claimed. */
  async runOnce(): Promise<number> {
    const claimed = await this.queue.claim(this.clock.now(), this.options.leaseMs, this.options.batch);
    const width = this.db.kind === 'pglite' ? 1 : this.options.concurrency;
    let next = 0;
    const worker = async () => {
      while (next < claimed.length) {
        const c = claimed[next++]!;
        try {
          await this.dispatch(c);
        } catch (err) {
          // The lease runs out and another round takes it up again; an attempt left `sending` stays unused.
          this.logger.pino.warn({ messageId: c.message_id, error: (err as Error).message }, 'dispatch failed');
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(width, claimed.length) }, worker));
    return claimed.length;
  }

  /** Rounds until nothing is due (tests and draining). */
  async drain(maxRounds = 100): Promise<void> {
    for (let i = 0; i < maxRounds; i++) if ((await this.runOnce()) === 0) return;
  }

  private async dispatch(c: ClaimedMessage): Promise<void> {
    let prepared: PreparedSend | null;
    try {
      prepared = await this.access.run(c.tenant_id, (data) => this.prepare(data, c.message_id));
    } catch (err) {
      if (!(err instanceof TenantKeysetDestroyedError)) throw err;
      // The tenant was erased: nothing of it is left to send.
      await this.queue.drop(c.message_id);
      return;
    }
    if (!prepared) return;
    const result = await this.call(prepared);
    await this.access.run(c.tenant_id, (data) => this.finish(data, prepared, result));
  }

  private async prepare(data: TenantScope, id: string): Promise<PreparedSend | null> {
    const row = await this.messages.find(data, id, true);
    if (!row || DONE.has(row.status)) {
      await this.queue.remove(data, id);
      return null;
    }
    await this.messages.abandonSending(data, id);
    const attempts = await this.messages.attempts(data, id);
    // The platform's own messages go through its account, not the tenant's rules or providers.
    if (isPlatformMessage(row)) return this.preparePlatform(data, row, attempts);
    const now = this.clock.now();
    const settings = await this.settings.get(data);
    const flags = await this.prefs.flags(data, row.recipient_idx);
    const unlawful = await lawfulRefusal(
      this.consent,
      data,
      { channel: row.channel, category: row.category, recipientIdx: row.recipient_idx },
      flags,
      now,
    );
    if (unlawful) return this.end(data, row, 'failed', { code: unlawful.reason, detail: unlawful.message });
    const deferred = deferUntil(now, row, settings.quietHours);
    if (deferred) {
      await this.messages.setStatus(data, id, { status: 'deferred', nextAttemptAt: deferred });
      await this.queue.reschedule(data, id, deferred);
      return null;
    }
    if (attempts.length >= this.options.maxAttempts)
      return this.end(data, row, 'dead', { code: 'MAX_ATTEMPTS', detail: `${attempts.length} attempts` });

    const list = await this.registry.listForTenant(data, row.channel, settings);
    const provider = this.nextProvider(attempts, list);
    if ('none' in provider) return this.end(data, row, 'failed', provider.none);
    const template = (await this.templates.byKey(data, row.template_key)).find((t) => t.channel === row.channel);
    const plain = this.messages.plain(data, row);
    const outbound: OutboundMessage = {
      messageId: id,
      channel: row.channel,
      to: plain.recipient,
      text: plain.body,
      variables: plain.variables,
    };
    if (row.channel === 'sms') {
      if (!settings.peId || !template?.header || !template.dlt_template_id)
        return this.end(data, row, 'failed', {
          code: 'DLT_INCOMPLETE',
          detail: 'PE ID, header or template ID missing',
        });
      outbound.sms = {
        header: template.header,
        peId: settings.peId,
        dltTemplateId: template.dlt_template_id,
        ...(template.provider_template_id ? { providerTemplateId: template.provider_template_id } : {}),
      };
    }
    if (row.channel === 'whatsapp' && !whatsappWindowOpen(flags, now)) {
      // Outside the 24-hour window only an approved template may go: the platform chooses, not the caller.
      if (!template?.wa_template_name)
        return this.end(data, row, 'failed', {
          code: 'OUTSIDE_24H_WINDOW',
          detail: 'no inbound message in 24 hours and no approved WhatsApp template registered',
        });
      outbound.whatsappTemplate = {
        name: template.wa_template_name,
        language: template.wa_template_language!,
        ...(template.wa_content_sid ? { contentSid: template.wa_content_sid } : {}),
      };
    }
    if (row.channel === 'email') outbound.email = { subject: template?.subject ?? row.template_key };

    return this.startAttempt(data, id, attempts.length, provider, outbound);
  }

  /** A platform message (`platform:<purpose>`): the platform account's DLT registration and provider lists. */
  private async preparePlatform(
    data: TenantScope,
    row: MessageRow,
    attempts: { provider: string; state: string }[],
  ): Promise<PreparedSend | null> {
    if (attempts.length >= this.options.maxAttempts)
      return this.end(data, row, 'dead', { code: 'MAX_ATTEMPTS', detail: `${attempts.length} attempts` });
    const provider = this.nextProvider(attempts, this.registry.listFor(row.channel));
    if ('none' in provider) return this.end(data, row, 'failed', provider.none);
    const plain = this.messages.plain(data, row);
    const outbound: OutboundMessage = {
      messageId: row.id,
      channel: row.channel,
      to: plain.recipient,
      text: plain.body,
      variables: [plain.body],
    };
    if (row.channel === 'sms') {
      const dlt = this.platformSms;
      if (!dlt.peId || !dlt.header || !dlt.dltTemplateId)
        return this.end(data, row, 'failed', {
          code: 'DLT_INCOMPLETE',
          detail: "the platform account's PE ID, header or template ID is not configured",
        });
      outbound.sms = {
        header: dlt.header,
        peId: dlt.peId,
        dltTemplateId: dlt.dltTemplateId,
        ...(dlt.providerTemplateId ? { providerTemplateId: dlt.providerTemplateId } : {}),
      };
    }
    if (row.channel === 'email') outbound.email = { subject: platformSubject(row.template_key) };
    return this.startAttempt(data, row.id, attempts.length, provider, outbound);
  }

  /** The next provider after the last one tried, skipping any that accepted or may have accepted the message. */
  private nextProvider<P extends MessagingProvider>(
    attempts: { provider: string; state: string }[],
    list: P[],
  ): P | { name: null; none: { code: string; detail: string } } {
    const spent = new Set(attempts.filter((a) => a.state !== 'failed').map((a) => a.provider));
    const last = attempts[attempts.length - 1];
    const from = last ? list.findIndex((p) => p.name === last.provider) + 1 : 0;
    const found = [...list.slice(from), ...list.slice(0, from)].find((p) => !spent.has(p.name));
    if (found) return found;
    return {
      name: null,
      none: {
        code: 'NO_PROVIDER_LEFT',
        detail: list.length ? 'every provider of the channel was tried' : 'no provider serves this channel',
      },
    };
  }

  /** Records the attempt as `sending` (committed with this transaction) before the provider is called. */
  private async startAttempt(
    data: TenantScope,
    id: string,
    previous: number,
    provider: MessagingProvider,
    outbound: OutboundMessage,
  ): Promise<PreparedSend> {
    const attemptId = uuidv7();
    await this.messages.startAttempt(data, id, attemptId, provider.name);
    return { messageId: id, attemptId, attemptNo: previous + 1, provider, outbound };
  }

  private async call(p: PreparedSend): Promise<SendResult> {
    const timeoutMs = this.options.providerTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<SendResult>((resolve) => {
      timer = setTimeout(
        () =>
          resolve({ ok: false, code: 'TIMEOUT', retryable: true, maybeAccepted: true, detail: 'no answer in time' }),
        timeoutMs + 1000,
      );
    });
    try {
      return await Promise.race([p.provider.send(p.outbound, { signal: AbortSignal.timeout(timeoutMs) }), timedOut]);
    } catch (err) {
      // An adapter that throws may have reached the provider: the outcome is unknown.
      return {
        ok: false,
        code: 'PROVIDER_UNAVAILABLE',
        retryable: true,
        maybeAccepted: true,
        detail: (err as Error).name,
      };
    } finally {
      clearTimeout(timer);
    }
  }

  private async finish(data: TenantScope, p: PreparedSend, result: SendResult): Promise<void> {
    const id = p.messageId;
    const provider = p.provider.name;
    if (result.ok) {
      await this.messages.finishAttempt(data, p.attemptId, {
        state: 'sent',
        providerMessageId: result.providerMessageId,
      });
      await this.messages.setStatus(data, id, {
        status: 'sent',
        provider,
        providerMessageId: result.providerMessageId,
        error: null,
        nextAttemptAt: null,
      });
      await this.refs.remember(data, provider, result.providerMessageId, id);
      await this.queue.remove(data, id);
      await data.record({ resource: { id }, reason: `sent_${provider}` });
      return;
    }
    const error = { code: result.code, detail: result.providerCode ?? result.detail ?? null };
    await this.messages.finishAttempt(data, p.attemptId, {
      state: result.maybeAccepted ? 'unknown' : 'failed',
      errorCode: result.code,
      errorDetail: error.detail ?? undefined,
    });
    if (!result.retryable) {
      await this.messages.setStatus(data, id, { status: 'failed', provider, error, nextAttemptAt: null });
      await this.queue.remove(data, id);
      await data.record({ resource: { id }, reason: `failed_${result.code}`.toLowerCase() });
      return;
    }
    if (p.attemptNo >= this.options.maxAttempts) {
      await this.messages.setStatus(data, id, { status: 'dead', provider, error, nextAttemptAt: null });
      await this.queue.remove(data, id);
      await data.record({ resource: { id }, reason: 'dead' });
      return;
    }
    const at = new Date(
      this.clock.now().getTime() + retryDelayMs(p.attemptNo, this.options.retryBaseMs, this.options.retryMaxMs),
    );
    await this.messages.setStatus(data, id, { status: 'queued', provider, error, nextAttemptAt: at });
    await this.queue.reschedule(data, id, at);
  }

  /** Ends a message without a provider call (a rule now refuses it, or nothing is left to try). */
  private async end(
    data: TenantScope,
    row: MessageRow,
    status: 'failed' | 'dead',
    error: { code: string; detail: string },
  ): Promise<null> {
    await this.messages.setStatus(data, row.id, { status, error, nextAttemptAt: null });
    await this.queue.remove(data, row.id);
    await data.record({ resource: { id: row.id }, reason: `${status}_${error.code}`.toLowerCase().slice(0, 60) });
    return null;
  }
}
