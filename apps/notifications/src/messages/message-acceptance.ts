import { Injectable } from '@nestjs/common';
import {
  NotificationError,
  PlanError,
  uuidv7,
  type Entitlements,
  type MessageChannel,
  type SendMessageRequest,
} from '@lekha/contracts';
import type { ScopedRecord, TenantScope } from '@lekha/access';
import type { CurrentEntitlements } from '@lekha/runtime';
import { Clock } from '../common/clock.js';
import { CustomerDirectory } from '../recipients/customer-directory.js';
import { messageFields, recipientIndex } from '../common/recipient.js';
import { consentFor, ConsentPort, type ConsentCheck } from '../consent/consent.port.js';
import { RecipientPreferencesRepository, type RecipientFlags } from '../consent/recipient-preferences.repository.js';
import { RecipientRouteIndex } from '../outbound/recipient-route-index.js';
import { DispatchQueueRepository } from '../outbound/dispatch-queue.repository.js';
import { ProviderRefsRepository } from '../outbound/provider-refs.repository.js';
import { checkDltSend, renderTemplate } from '../rules/dlt.js';
import { lawfulRefusal } from '../rules/lawful-send.js';
import { deferUntil } from '../rules/sending-window.js';
import { SettingsRepository, type TenantSettings } from '../settings/settings.repository.js';
import { TemplateRepository, type TemplateRow } from '../templates/template.repository.js';
import { MessageRepository, type NewMessage } from './message.repository.js';

export type Accepted = { id: string; status: 'queued' | 'deferred' };
export type Refusal = { reason: NotificationError | PlanError; message: string; details?: unknown };
type SendBody = Omit<SendMessageRequest, 'idempotencyKey'>;

/** A checked send, not yet stored: its message, recipient route, answer and audit record. */
export interface PlannedMessage {
  message: NewMessage;
  route: string;
  accepted: Accepted;
  record: ScopedRecord;
}

/** How long a claimed key answers 409 before a retry may take it over (its first request died). */
export const IN_FLIGHT_STALE_MS = 60_000;
/** How far ahead a send may be scheduled (`sendAt`). */
const MAX_SEND_AHEAD_MS = 366 * 86_400_000;
const DEFAULT_CHANNELS: readonly MessageChannel[] = ['sms', 'whatsapp', 'email'];

/** JSON with sorted keys: the same request always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/**
 * What the sends of one transaction read once: the tenant's settings, its templates by key, and the
 * recipients' flags (opt-out, DND, last inbound) of every address the sends may use, in one statement.
 */
export interface AcceptanceReads {
  settings(): Promise<TenantSettings>;
  templates(key: string): Promise<TemplateRow[]>;
  flags(recipientIdx: string): Promise<RecipientFlags>;
  /** Consent of the same recipients, read at once on the first check that needs it. */
  consent: ConsentCheck;
  /** The plan's features (WhatsApp is one), read once per request. */
  features(): Promise<Entitlements['features']>;
}

/**
 * Accepting one send, shared by the single and the batch route: the template, DLT, consent, opt-out
 * and sending-window rules first (a refusal stores nothing), then the message stored encrypted and
 * queued — or deferred to its next window. The caller records the audit record it answers in the
 * same transaction.
 */
@Injectable()
export class MessageAcceptance {
  constructor(
    private readonly templates: TemplateRepository,
    private readonly settings: SettingsRepository,
    private readonly messages: MessageRepository,
    private readonly queue: DispatchQueueRepository,
    private readonly refs: ProviderRefsRepository,
    private readonly prefs: RecipientPreferencesRepository,
    private readonly consent: ConsentPort,
    private readonly routes: RecipientRouteIndex,
    private readonly clock: Clock,
    private readonly customers: CustomerDirectory,
  ) {}

  /**
   * A send given by customer ID alone, addressed: tenant-data answers the customer's phone and email
   * (asked as the caller; call it outside a transaction). A given phone or email wins over the lookup;
   * an unknown customer is a refusal.
   */
  async addressed(req: SendBody): Promise<SendBody | Refusal> {
    const to = req.to;
    if (to.phone !== undefined || to.email !== undefined || !to.customerId) return req;
    const contact = await this.customers.contact(to.customerId);
    if (!contact) return { reason: NotificationError.CustomerNotFound, message: 'customer not found' };
    return {
      ...req,
      to: {
        customerId: to.customerId,
        ...(contact.phone ? { phone: contact.phone } : {}),
        ...(contact.email ? { email: contact.email } : {}),
      },
    };
  }

  /** The request as a tenant-keyed hash: what an Idempotency-Key is held to. */
  requestIndex(data: TenantScope, request: SendBody): string {
    return data.cipher.index('idempotent_request', canonical(request))!;
  }

  /**
   * Reads for one transaction: settings once, each template key once; the plan as read before it opened.
   * `addresses`: every phone and email the transaction's sends may go to; the first flags asked for read
   * theirs all at once (a batch of 100 sends: one statement, not 100).
   */
  reads(data: TenantScope, plan: CurrentEntitlements, addresses: readonly string[] = []): AcceptanceReads {
    let settings: Promise<TenantSettings> | undefined;
    const templates = new Map<string, Promise<TemplateRow[]>>();
    let known: Promise<Map<string, RecipientFlags>> | undefined;
    const idxs = addresses.map((a) => recipientIndex(data.cipher, a));
    return {
      settings: () => (settings ??= this.settings.get(data)),
      flags: async (idx) => (await (known ??= this.prefs.flagsOf(data, idxs))).get(idx) ?? this.prefs.flags(data, idx),
      consent: consentFor(this.consent, data, idxs),
      features: () => Promise.resolve(plan.entitlements.features),
      templates: (key) => {
        let t = templates.get(key);
        if (!t) templates.set(key, (t = this.templates.byKey(data, key)));
        return t;
      },
    };
  }

  /**
   * Applies every rule to one send and makes its message, storing nothing: a refusal, or the message
   * to store (with `store`, in the same transaction) and the answer and audit record that go with it.
   */
  async check(data: TenantScope, req: SendBody, reads: AcceptanceReads): Promise<PlannedMessage | Refusal> {
    const registered = await reads.templates(req.template);
    if (!registered.length)
      return { reason: NotificationError.TemplateNotFound, message: `no template "${req.template}" is registered` };
    const whatsapp = (await reads.features()).whatsapp;
    const choice = this.chooseChannel(registered, req, whatsapp);
    if (!choice && !whatsapp && this.chooseChannel(registered, req, true))
      return {
        reason: PlanError.FeatureNotIncluded,
        message: 'the plan does not include WhatsApp, and no other channel asked for can carry this message',
        details: { feature: 'whatsapp' },
      };
    if (!choice)
      return {
        reason: NotificationError.NoChannel,
        message: 'no channel asked for has both a template of this key and an address of the recipient',
      };
    const { template, address } = choice;
    const settings = await reads.settings();
    if (template.channel === 'sms') {
      if (!settings.peId)
        return { reason: NotificationError.PeIdMissing, message: 'set the DLT principal entity ID before sending SMS' };
      if (!template.header || !settings.headers.includes(template.header))
        return {
          reason: NotificationError.HeaderNotRegistered,
          message: 'the template’s header (sender ID) is not registered in the notification settings',
        };
    }
    const dlt = checkDltSend(template, req.variables, settings.urlDomains);
    if (dlt) return dlt;
    const recipientIdx = recipientIndex(data.cipher, address);
    const flags = await reads.flags(recipientIdx);
    const unlawful = await lawfulRefusal(
      reads.consent,
      data,
      { channel: template.channel, category: template.category, recipientIdx },
      flags,
      this.clock.now(),
    );
    if (unlawful) return unlawful;

    const now = this.clock.now();
    const asked = req.sendAt ? new Date(req.sendAt) : null;
    if (asked && asked.getTime() - now.getTime() > MAX_SEND_AHEAD_MS)
      return { reason: NotificationError.SendAtTooFar, message: 'sendAt may be at most a year ahead' };
    // A reminder at a time waits until then, and then for its sending window.
    const earliest = asked && asked > now ? asked : null;
    const deferred = deferUntil(earliest ?? now, template, settings.quietHours) ?? earliest;
    const id = uuidv7();
    const status = deferred ? 'deferred' : 'queued';
    return {
      message: {
        id,
        templateKey: template.key,
        channel: template.channel,
        category: template.category,
        recipient: address,
        recipientIdx,
        customerId: req.to.customerId ?? null,
        body: renderTemplate(template.body, req.variables),
        variables: req.variables,
        status,
        nextAttemptAt: deferred ?? now,
        createdAt: now,
      },
      route: this.routes.of(address),
      accepted: { id, status },
      record: {
        resource: { id },
        subjectIds: req.to.customerId ? [req.to.customerId] : [],
        fields: messageFields(address),
        reason: status,
      },
    };
  }

  /** Stores checked sends: their messages, queue rows and recipient routes, one statement each for all of them. */
  async store(data: TenantScope, planned: readonly PlannedMessage[]): Promise<void> {
    if (!planned.length) return;
    await this.messages.insertMany(
      data,
      planned.map((p) => p.message),
    );
    await this.queue.enqueueMany(
      data,
      planned.map((p) => ({ messageId: p.message.id, at: p.message.nextAttemptAt, category: p.message.category })),
    );
    await this.refs.routeMany(
      data,
      planned.map((p) => p.route),
    );
  }

  /** The first channel asked for with a template and an address; WhatsApp only when the plan includes it. */
  private chooseChannel(
    registered: TemplateRow[],
    req: SendBody,
    whatsapp: boolean,
  ): { template: TemplateRow; address: string } | null {
    for (const channel of req.channels ?? DEFAULT_CHANNELS) {
      if (channel === 'whatsapp' && !whatsapp) continue;
      const template = registered.find((t) => t.channel === channel);
      const address = channel === 'email' ? req.to.email : req.to.phone;
      if (template && address) return { template, address };
    }
    return null;
  }
}
