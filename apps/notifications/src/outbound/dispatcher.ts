import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { oneRecordPerBatch, type ScopedRecord, type TenantScope } from '@lekha/access';
import { uuidv7, type MessageChannel, type MessageStatus } from '@lekha/contracts';
import { TenantKeysetDestroyedError } from '@lekha/crypto';
import { Database } from '@lekha/persistence';
import type { MessagingProvider, OutboundMessage, SendResult } from '@lekha/providers';
import { AppLogger } from '@lekha/runtime';
import { Clock } from '../common/clock.js';
import { ServiceTenantAccess } from '../common/service-tenant-access.js';
import { consentFor, ConsentPort, type ConsentCheck } from '../consent/consent.port.js';
import { RecipientPreferencesRepository, type RecipientFlags } from '../consent/recipient-preferences.repository.js';
import { MessageRepository, type MessageRow } from '../messages/message.repository.js';
import { ApplyReceiptUseCase } from '../receipts/apply-receipt.use-case.js';
import { lawfulRefusal, whatsappWindowOpen } from '../rules/lawful-send.js';
import { deferUntil } from '../rules/sending-window.js';
import { SettingsRepository, type TenantSettings } from '../settings/settings.repository.js';
import { TemplateRepository, type TemplateRow } from '../templates/template.repository.js';
import { retryDelayMs } from './backoff.js';
import { DispatchOptions } from './dispatch-options.js';
import { DispatchQueueRepository, type ClaimedMessage } from './dispatch-queue.repository.js';
import { ProviderRefsRepository } from './provider-refs.repository.js';
import { ProviderRegistry } from './provider-registry.js';
import { RecipientRouteIndex } from './recipient-route-index.js';
import { isPlatformMessage, platformSubject, PlatformSmsSettings } from './platform-messages.js';
import { UsageReporter } from './usage-reporter.js';

/** How soon a round follows messages queued while the dispatcher waited. */
const NUDGE_MS = 10;

/** Most messages of one chunk that go to a provider in one request (`sendMany`). */
const MAX_PER_REQUEST = 100;

/**
 * A refusal of a whole request that one of its recipients may have caused (a number the provider
 * rejects, one that opted out there): the provider certainly took none of them, so each goes again alone.
 */
const REFUSED_FOR_ONE: ReadonlySet<string> = new Set(['INVALID_RECIPIENT', 'RECIPIENT_OPTED_OUT']);

const DONE: ReadonlySet<MessageStatus> = new Set(['sent', 'delivered', 'read', 'failed', 'dead', 'cancelled']);

/**
 * A provider call about to be made: its message is committed `sending` through that provider before the
 * call; the attempt row is written once, with the outcome.
 */
interface PreparedSend {
  messageId: string;
  attemptId: string;
  startedAt: Date;
  attemptNo: number;
  provider: MessagingProvider;
  outbound: OutboundMessage;
  /** The platform's own message (an invitation, a code): not the tenant's usage. */
  platform?: boolean;
}

/** A provider call decided on in the prepare step; its attempt is recorded with the others of its chunk. */
type PlannedSend = Omit<PreparedSend, 'attemptId' | 'startedAt'>;

/** One audit record of the service's own access (what `TenantScope.record` takes). */
type AuditRecord = ScopedRecord;

/** What one prepare step reads once for all the messages of its chunk (one tenant). */
interface ChunkContext {
  settings: () => Promise<TenantSettings>;
  flags: ReadonlyMap<string, RecipientFlags>;
  /** Consent of the chunk's recipients, read at once on the first check that needs it. */
  consent: ConsentCheck;
  templates: (key: string) => Promise<TemplateRow[]>;
  providers: (channel: MessageChannel, settings: TenantSettings) => Promise<MessagingProvider[]>;
}

/** Claimed messages of one tenant, prepared and recorded together (one transaction each way). */
export interface DispatchChunk {
  tenantId: string;
  messageIds: string[];
}

/**
 * Splits a round's claimed messages into chunks of one tenant each, at most `size` messages, in the
 * order they were claimed (the oldest due first).
 */
export function dispatchChunks(claimed: readonly ClaimedMessage[], size: number): DispatchChunk[] {
  const open = new Map<string, DispatchChunk>();
  const out: DispatchChunk[] = [];
  for (const c of claimed) {
    let chunk = open.get(c.tenant_id);
    if (!chunk || chunk.messageIds.length >= size) {
      chunk = { tenantId: c.tenant_id, messageIds: [] };
      open.set(c.tenant_id, chunk);
      out.push(chunk);
    }
    chunk.messageIds.push(c.message_id);
  }
  return out;
}

type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/** Runs at most `width` of the given tasks at once. */
export function limiter(width: number): Limiter {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (running >= width) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await task();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}

/**
 * Sends queued messages. Each round claims due rows of the durable queue (skip-locked, leased: safe
 * with several instances) and splits them into chunks of one tenant each. Per chunk, in one tenant
 * transaction: checks the rules again for every message (opt-out, consent, sending window; the
 * tenant's settings, templates, recipients' flags and provider lists read once for the chunk), picks
 * each message's next provider of the channel's fallback list and marks the message `sending` through it,
 * then commits; then calls the providers concurrently (messages one provider takes in one request — an
 * MSG91 flow of one template — in one call); then records every outcome, provider
 * reference, queue removal and audit record in one more transaction. A retryable error is retried
 * with exponential backoff and jitter on the next provider; after the last attempt the message is dead.
 * A chunk whose transaction fails is taken up again one message at a time, so one message that cannot
 * be prepared or recorded holds up only itself.
 *
 * Never twice by one provider: a provider with an attempt that was accepted, or whose outcome is
 * unknown (a timeout that may have been accepted, or a message left `sending` by a worker that
 * died), is never used again for that message — the next provider is, or the message fails.
 */
@Injectable()
export class Dispatcher implements OnApplicationBootstrap, OnModuleDestroy {
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** Set when messages were queued since the last round began; cut short by the next pause. */
  private due = false;
  private shorten: (() => void) | null = null;

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
    private readonly usage: UsageReporter,
    private readonly receipts: ApplyReceiptUseCase,
    private readonly routes: RecipientRouteIndex,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.options.enabled) return;
    this.queue.onDue(() => this.nudge());
    this.loop = this.run();
  }

  /**
   * Messages were queued and committed: the next round starts within NUDGE_MS instead of the poll interval.
   * The short wait lets a burst of acceptances share one round.
   */
  nudge(): void {
    this.due = true;
    this.shorten?.();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      this.due = false;
      let handled = 0;
      let failed = false;
      try {
        handled = await this.runOnce();
      } catch (err) {
        failed = true;
        this.logger.pino.warn({ error: (err as Error).message }, 'dispatch round failed; will retry');
      }
      if (handled < this.options.batch && !this.stopped) await this.pause(failed);
    }
  }

  /** Waits the poll interval, or NUDGE_MS once messages are queued (not after a failed round), or until stopped. */
  private pause(failed: boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = this.shorten = null;
        resolve();
      };
      let timer = setTimeout(done, this.due && !failed ? NUDGE_MS : this.options.intervalMs);
      this.wake = done;
      this.shorten = failed
        ? null
        : () => {
            this.shorten = null;
            clearTimeout(timer);
            timer = setTimeout(done, NUDGE_MS);
          };
    });
  }

  /**
   * One round: claims due messages and sends them, then applies the receipts that overtook their sends
   * (parked until the provider's reference was recorded); answers how many messages were claimed.
   */
  async runOnce(): Promise<number> {
    const claimed = await this.sendDue();
    await this.receipts.applyParked();
    return claimed;
  }

  private async sendDue(): Promise<number> {
    const claimed = await this.queue.claim(this.clock.now(), this.options.leaseMs, this.options.batch);
    if (!claimed.length) return 0;
    // The embedded database has one connection: one transaction at a time, one provider call at a time.
    const width = this.db.kind === 'pglite' ? 1 : this.options.concurrency;
    const chunks = dispatchChunks(claimed, this.chunkSize());
    const calls = limiter(width);
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) await this.dispatchChunk(chunks[next++]!, calls);
    };
    await Promise.all(Array.from({ length: Math.min(width, chunks.length) }, worker));
    return claimed.length;
  }

  /** Chunks small enough that several overlap (one records while another calls), large enough to save statements. */
  private chunkSize(): number {
    return Math.max(8, Math.ceil(this.options.batch / 4));
  }

  /** Rounds until nothing is due (tests and draining). */
  async drain(maxRounds = 100): Promise<void> {
    for (let i = 0; i < maxRounds; i++) if ((await this.runOnce()) === 0) return;
  }

  private async dispatchChunk(chunk: DispatchChunk, calls: Limiter): Promise<void> {
    const { tenantId, messageIds } = chunk;
    let prepared: PreparedSend[];
    try {
      prepared = await this.access.run(tenantId, (data) => this.prepareMany(data, messageIds));
    } catch (err) {
      if (err instanceof TenantKeysetDestroyedError) {
        // The tenant was erased: nothing of it is left to send.
        await this.queue.dropMany(messageIds).catch((e: Error) => this.failed(messageIds, e));
        return;
      }
      if (messageIds.length === 1) return this.failed(messageIds, err as Error);
      // Nothing of the chunk was recorded: each message alone, so one that fails holds up only itself.
      for (const id of messageIds) await this.dispatchChunk({ tenantId, messageIds: [id] }, calls);
      return;
    }
    if (!prepared.length) return;
    const results = await this.callProviders(prepared, calls);
    try {
      await this.access.run(tenantId, (data) => this.finishMany(data, prepared, results));
    } catch (err) {
      if (prepared.length === 1) return this.failed([prepared[0]!.messageId], err as Error);
      for (const [i, p] of prepared.entries())
        await this.access
          .run(tenantId, (data) => this.finishMany(data, [p], [results[i]!]))
          .catch((e: Error) => this.failed([p.messageId], e));
    }
  }

  /**
   * The lease runs out and another round takes the messages up again; a message left `sending` is never sent
   * through that provider again.
   */
  private failed(messageIds: readonly string[], err: Error): void {
    for (const messageId of messageIds) this.logger.pino.warn({ messageId, error: err.message }, 'dispatch failed');
  }

  /**
   * The prepare step of a chunk (one tenant transaction): locks its messages, ends those a rule now
   * refuses, defers those outside their window, and marks each of the rest `sending` through its next provider.
   */
  private async prepareMany(data: TenantScope, ids: readonly string[]): Promise<PreparedSend[]> {
    const rows = await this.messages.findMany(data, ids, true);
    const live = rows.filter((r) => !DONE.has(r.status));
    const liveIds = new Set(live.map((r) => r.id));
    await this.queue.removeMany(
      data,
      ids.filter((id) => !liveIds.has(id)),
    );
    if (!live.length) return [];
    await this.messages.abandonInFlight(data, live);
    // A message never tried before has no attempts to read (most of them: one statement fewer a chunk).
    const attempts = await this.messages.attemptsOf(
      data,
      live.filter((r) => r.attempts > 0 || r.status === 'sending').map((r) => r.id),
    );
    const own = live.filter((r) => !isPlatformMessage(r));
    let settings: Promise<TenantSettings> | undefined;
    const templates = new Map<string, Promise<TemplateRow[]>>();
    const lists = new Map<MessageChannel, Promise<MessagingProvider[]>>();
    const ctx: ChunkContext = {
      settings: () => (settings ??= this.settings.get(data)),
      consent: consentFor(
        this.consent,
        data,
        own.map((r) => r.recipient_idx),
      ),
      flags: own.length
        ? await this.prefs.flagsOf(
            data,
            own.map((r) => r.recipient_idx),
          )
        : new Map(),
      templates: (key) => {
        let t = templates.get(key);
        if (!t) templates.set(key, (t = this.templates.byKey(data, key)));
        return t;
      },
      providers: (channel, s) => {
        let l = lists.get(channel);
        if (!l) lists.set(channel, (l = this.registry.listForTenant(data, channel, s)));
        return l;
      },
    };
    const planned: PlannedSend[] = [];
    for (const row of live) {
      const tried = attempts.get(row.id) ?? [];
      // The platform's own messages go through its account, not the tenant's rules or providers.
      const plan = isPlatformMessage(row)
        ? await this.preparePlatform(data, row, tried)
        : await this.prepare(data, row, tried, ctx);
      if (plan) planned.push(plan);
    }
    const startedAt = new Date();
    const prepared = planned.map((p) => ({ ...p, attemptId: uuidv7(), startedAt }));
    await this.messages.startAttempts(
      data,
      prepared.map((p) => ({ messageId: p.messageId, provider: p.provider.name })),
    );
    return prepared;
  }

  private async prepare(
    data: TenantScope,
    row: MessageRow,
    attempts: { provider: string; state: string }[],
    ctx: ChunkContext,
  ): Promise<PlannedSend | null> {
    const id = row.id;
    const now = this.clock.now();
    const settings = await ctx.settings();
    const flags = ctx.flags.get(row.recipient_idx) ?? (await this.prefs.flags(data, row.recipient_idx));
    const unlawful = await lawfulRefusal(
      ctx.consent,
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

    const list = await ctx.providers(row.channel, settings);
    const provider = this.nextProvider(attempts, list);
    if ('none' in provider) return this.end(data, row, 'failed', provider.none);
    const template = (await ctx.templates(row.template_key)).find((t) => t.channel === row.channel);
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

    return { messageId: id, attemptNo: attempts.length + 1, provider, outbound };
  }

  /** A platform message (`platform:<purpose>`): the platform account's DLT registration and provider lists. */
  private async preparePlatform(
    data: TenantScope,
    row: MessageRow,
    attempts: { provider: string; state: string }[],
  ): Promise<PlannedSend | null> {
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
    return { messageId: row.id, attemptNo: attempts.length + 1, provider, outbound, platform: true };
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

  /**
   * Calls the providers for a chunk's prepared sends. Messages one provider takes in one request (the same
   * `batchKey`: an MSG91 flow of one template) go together, at most the provider's `maxPerRequest` (and
   * MAX_PER_REQUEST) a request; the rest
   * one call each. A whole request refused for what one recipient may have caused goes again one message at
   * a time, so that the others still go.
   */
  private async callProviders(prepared: readonly PreparedSend[], calls: Limiter): Promise<SendResult[]> {
    const results: SendResult[] = new Array<SendResult>(prepared.length);
    const alone = (i: number) =>
      calls(() => this.call(prepared[i]!)).then((r) => {
        results[i] = r;
      });
    // Every request's messages (indexes into `prepared`); the one still open per provider and key.
    const requests: number[][] = [];
    const open = new Map<MessagingProvider, Map<string, number[]>>();
    const tasks: Promise<void>[] = [];
    prepared.forEach((p, i) => {
      const key = p.provider.sendMany ? p.provider.batchKey?.(p.outbound) : null;
      if (!key) return void tasks.push(alone(i));
      const most = Math.max(1, Math.min(MAX_PER_REQUEST, p.provider.maxPerRequest ?? MAX_PER_REQUEST));
      let byKey = open.get(p.provider);
      if (!byKey) open.set(p.provider, (byKey = new Map()));
      let group = byKey.get(key);
      if (!group || group.length >= most) {
        byKey.set(key, (group = []));
        requests.push(group);
      }
      group.push(i);
    });
    for (const group of requests) {
      if (group.length === 1) {
        tasks.push(alone(group[0]!));
        continue;
      }
      tasks.push(
        (async () => {
          const many = await calls(() => this.callMany(group.map((i) => prepared[i]!)));
          group.forEach((i, j) => (results[i] = many[j]!));
          const again = group.filter(
            (_, j) => !many[j]!.ok && !many[j]!.maybeAccepted && REFUSED_FOR_ONE.has(many[j]!.code),
          );
          if (again.length > 1) await Promise.all(again.map(alone));
        })(),
      );
    }
    await Promise.all(tasks);
    return results;
  }

  private async call(p: PreparedSend): Promise<SendResult> {
    return (await this.withDeadline((signal) => p.provider.send(p.outbound, { signal }).then((r) => [r]), 1))[0]!;
  }

  /** Several messages of one provider and `batchKey` in one request. */
  private callMany(group: readonly PreparedSend[]): Promise<SendResult[]> {
    const provider = group[0]!.provider;
    return this.withDeadline(
      (signal) =>
        provider.sendMany!(
          group.map((p) => p.outbound),
          { signal },
        ),
      group.length,
    );
  }

  /**
   * A provider call (for `count` messages) within the provider timeout. No answer in time, or an adapter
   * that throws, leaves every message's outcome unknown: it may have reached the provider.
   */
  private async withDeadline(
    run: (signal: AbortSignal) => Promise<SendResult[]>,
    count: number,
  ): Promise<SendResult[]> {
    const timeoutMs = this.options.providerTimeoutMs;
    const unknown = (code: 'TIMEOUT' | 'PROVIDER_UNAVAILABLE', detail: string): SendResult[] =>
      Array.from({ length: count }, () => ({ ok: false, code, retryable: true, maybeAccepted: true, detail }));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<SendResult[]>((resolve) => {
      timer = setTimeout(() => resolve(unknown('TIMEOUT', 'no answer in time')), timeoutMs + 1000);
    });
    try {
      return await Promise.race([run(AbortSignal.timeout(timeoutMs)), timedOut]);
    } catch (err) {
      return unknown('PROVIDER_UNAVAILABLE', (err as Error).name);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The record step of a chunk (one tenant transaction): the accepted sends in a few statements for
   * all of them (attempts, messages, provider references, queue rows), each other outcome on its own,
   * and every audit record in one insert.
   */
  private async finishMany(data: TenantScope, prepared: readonly PreparedSend[], results: readonly SendResult[]) {
    const sent: {
      messageId: string;
      attemptId: string;
      startedAt: Date;
      provider: string;
      providerMessageId: string;
      ref: string;
    }[] = [];
    const records: AuditRecord[] = [];
    for (const [i, p] of prepared.entries()) {
      const result = results[i]!;
      if (result.ok) {
        const provider = p.provider.name;
        sent.push({
          messageId: p.messageId,
          attemptId: p.attemptId,
          startedAt: p.startedAt,
          provider,
          providerMessageId: result.providerMessageId,
          // Receipts find the message by this: the request's ID, and the number where a request has several.
          ref: p.provider.refsPerRecipient
            ? this.routes.refOf(result.providerMessageId, p.outbound.to)
            : result.providerMessageId,
        });
        records.push({ resource: { id: p.messageId }, reason: `sent_${provider}` });
      } else {
        const record = await this.finishUnsent(data, p, result);
        if (record) records.push(record);
      }
    }
    await this.messages.finishSent(data, sent);
    await this.refs.rememberMany(
      data,
      sent.map((s) => ({ provider: s.provider, providerMessageId: s.ref, messageId: s.messageId })),
    );
    // Reported at once (each message ID metered once by billing, so a retried chunk is not counted twice).
    const own = new Set(prepared.filter((p) => !p.platform).map((p) => p.messageId));
    this.usage.messagesSent(
      data.tenantId,
      sent.filter((s) => own.has(s.messageId)).map((s) => s.messageId),
      this.clock.now(),
    );
    await this.queue.removeMany(
      data,
      sent.map((s) => s.messageId),
    );
    // The chunk's sends by one provider are one audit record naming their messages, not one record each.
    if (records.length) await data.record(...oneRecordPerBatch(records));
  }

  /** An attempt the provider refused or did not answer: failed, dead, or queued again; its audit record if it ended. */
  private async finishUnsent(
    data: TenantScope,
    p: PreparedSend,
    result: Extract<SendResult, { ok: false }>,
  ): Promise<AuditRecord | null> {
    const id = p.messageId;
    const provider = p.provider.name;
    const error = { code: result.code, detail: result.providerCode ?? result.detail ?? null };
    await this.messages.recordAttempts(data, [
      {
        attemptId: p.attemptId,
        messageId: id,
        provider,
        state: result.maybeAccepted ? 'unknown' : 'failed',
        errorCode: result.code,
        errorDetail: error.detail,
        startedAt: p.startedAt,
      },
    ]);
    if (!result.retryable) {
      await this.messages.setStatus(data, id, { status: 'failed', provider, error, nextAttemptAt: null });
      await this.queue.remove(data, id);
      return { resource: { id }, reason: `failed_${result.code}`.toLowerCase() };
    }
    if (p.attemptNo >= this.options.maxAttempts) {
      await this.messages.setStatus(data, id, { status: 'dead', provider, error, nextAttemptAt: null });
      await this.queue.remove(data, id);
      return { resource: { id }, reason: 'dead' };
    }
    const at = new Date(
      this.clock.now().getTime() + retryDelayMs(p.attemptNo, this.options.retryBaseMs, this.options.retryMaxMs),
    );
    await this.messages.setStatus(data, id, { status: 'queued', provider, error, nextAttemptAt: at });
    await this.queue.reschedule(data, id, at);
    return null;
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
