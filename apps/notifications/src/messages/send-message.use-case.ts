import {
  FeatureError,
  NotificationError,
  NotificationOps,
  uuidv7,
  type MessageChannel,
  type SendMessageRequest,
} from '@lekha/contracts';
import { TenantAccess, type TenantScope } from '@lekha/access';
import { Handles, type OperationScope, type UseCase } from '@lekha/runtime';
import { Clock } from '../common/clock.js';
import { messageFields, recipientIndex } from '../common/recipient.js';
import { ConsentPort } from '../consent/consent.port.js';
import { RecipientPreferencesRepository } from '../consent/recipient-preferences.repository.js';
import { RecipientRouteIndex } from '../outbound/recipient-route-index.js';
import { DispatchQueueRepository } from '../outbound/dispatch-queue.repository.js';
import { ProviderRefsRepository } from '../outbound/provider-refs.repository.js';
import { checkDltSend, renderTemplate } from '../rules/dlt.js';
import { lawfulRefusal } from '../rules/lawful-send.js';
import { deferUntil } from '../rules/sending-window.js';
import { SettingsRepository } from '../settings/settings.repository.js';
import { TemplateRepository, type TemplateRow } from '../templates/template.repository.js';
import { CustomerDirectory } from '../recipients/customer-directory.js';
import { IdempotencyRepository } from './idempotency.repository.js';
import { MessageRepository } from './message.repository.js';

type Op = typeof NotificationOps.send;
type Accepted = { id: string; status: 'queued' | 'deferred' };
type Refusal = { reason: NotificationError; message: string; details?: unknown };

/** How long a claimed key answers 409 before a retry may take it over (its first request died). */
const IN_FLIGHT_STALE_MS = 60_000;
/** How far ahead a send may be scheduled. */
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
 * Accepts a message for sending: the template, DLT, consent, opt-out and sending-window rules are
 * applied first (a refusal stores and sends nothing), then the message is stored encrypted and
 * queued — or deferred to its next window — in one transaction with its audit record. The
 * dispatcher sends it. The Idempotency-Key makes a retried request answer the first result. A recipient
 * given only by customer ID is addressed with the customer's phone or email from tenant-data (an unknown
 * customer: 404, nothing stored).
 */
@Handles(NotificationOps.send)
export class SendMessageUseCase implements UseCase<Op> {
  constructor(
    private readonly access: TenantAccess,
    private readonly templates: TemplateRepository,
    private readonly settings: SettingsRepository,
    private readonly messages: MessageRepository,
    private readonly queue: DispatchQueueRepository,
    private readonly refs: ProviderRefsRepository,
    private readonly prefs: RecipientPreferencesRepository,
    private readonly consent: ConsentPort,
    private readonly idempotency: IdempotencyRepository,
    private readonly routes: RecipientRouteIndex,
    private readonly clock: Clock,
    private readonly customers: CustomerDirectory,
  ) {}

  async execute(scope: OperationScope<Op>, input: SendMessageRequest): Promise<Accepted> {
    const { idempotencyKey, ...request } = input;
    const claim = await this.access.run(scope, async (data) => {
      const requestIdx = data.cipher.index('idempotent_request', canonical(request))!;
      const found = await this.idempotency.claim<Accepted>(
        data,
        idempotencyKey,
        requestIdx,
        this.clock.now(),
        IN_FLIGHT_STALE_MS,
      );
      if (found.state === 'done')
        await data.record({ resource: { id: found.response.id }, reason: 'idempotent_replay' });
      if (found.state === 'mismatch' || found.state === 'in_flight')
        await data.record({ outcome: 'denied', reason: `idempotency_${found.state}` });
      return found;
    });
    if (claim.state === 'done') return claim.response;
    if (claim.state === 'mismatch')
      throw new FeatureError(
        NotificationError.IdempotencyKeyReused,
        'this Idempotency-Key was used with a different request',
      );
    if (claim.state === 'in_flight')
      throw new FeatureError(NotificationError.InFlight, 'a request with this Idempotency-Key is still in flight');

    // Given by customer ID alone: tenant-data answers the customer's phone and email (asked as the caller,
    // before the transaction opens). A given phone or email wins over the lookup.
    let to: SendMessageRequest['to'] = request.to;
    let lookup: Refusal | null = null;
    if (to.phone === undefined && to.email === undefined && to.customerId) {
      let contact: Awaited<ReturnType<CustomerDirectory['contact']>>;
      try {
        contact = await this.customers.contact(to.customerId);
      } catch (err) {
        await this.access.run(scope, (data) => this.idempotency.release(data, idempotencyKey));
        throw err;
      }
      if (contact)
        to = {
          customerId: to.customerId,
          ...(contact.phone ? { phone: contact.phone } : {}),
          ...(contact.email ? { email: contact.email } : {}),
        };
      else lookup = { reason: NotificationError.CustomerNotFound, message: 'customer not found' };
    }

    const result = await this.access.run(scope, async (data): Promise<Accepted | Refusal> => {
      const outcome = lookup ?? (await this.accept(data, { ...request, to }));
      if ('reason' in outcome) {
        await this.idempotency.release(data, idempotencyKey);
        await data.record({ outcome: 'denied', reason: outcome.reason.toLowerCase().slice(0, 60) });
        return outcome;
      }
      await this.idempotency.settle(data, idempotencyKey, outcome);
      return outcome;
    });
    if ('reason' in result) throw new FeatureError(result.reason, result.message, result.details);
    return result;
  }

  private async accept(
    data: TenantScope,
    req: Omit<SendMessageRequest, 'idempotencyKey'>,
  ): Promise<Accepted | Refusal> {
    const registered = await this.templates.byKey(data, req.template);
    if (!registered.length)
      return { reason: NotificationError.TemplateNotFound, message: `no template "${req.template}" is registered` };
    const choice = this.chooseChannel(registered, req);
    if (!choice)
      return {
        reason: NotificationError.NoChannel,
        message: 'no channel asked for has both a template of this key and an address of the recipient',
      };
    const { template, address } = choice;
    const settings = await this.settings.get(data);
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
    const flags = await this.prefs.flags(data, recipientIdx);
    const unlawful = await lawfulRefusal(
      this.consent,
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
    const earliest = asked && asked > now ? asked : null;
    const deferred = deferUntil(earliest ?? now, template, settings.quietHours) ?? earliest;
    const id = uuidv7();
    const status = deferred ? 'deferred' : 'queued';
    const at = deferred ?? now;
    await this.messages.insert(data, {
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
      nextAttemptAt: at,
      createdAt: now,
    });
    await this.queue.enqueue(data, id, at);
    await this.refs.route(data, this.routes.of(address));
    await data.record({
      resource: { id },
      subjectIds: req.to.customerId ? [req.to.customerId] : [],
      fields: messageFields(address),
      reason: status,
    });
    return { id, status };
  }

  private chooseChannel(
    registered: TemplateRow[],
    req: Omit<SendMessageRequest, 'idempotencyKey'>,
  ): { template: TemplateRow; address: string } | null {
    for (const channel of req.channels ?? DEFAULT_CHANNELS) {
      const template = registered.find((t) => t.channel === channel);
      const address = channel === 'email' ? req.to.email : req.to.phone;
      if (template && address) return { template, address };
    }
    return null;
  }
}
