import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import { uuidv7, type MessageChannel, type RecordChangedEvent, type ReminderRule } from '@lekha/contracts';
import { AppLogger } from '@lekha/runtime';
import { Clock } from '../common/clock.js';
import { messageFields, recipientIndex } from '../common/recipient.js';
import { ServiceTenantAccess } from '../common/service-tenant-access.js';
import { MessageRepository } from '../messages/message.repository.js';
import { DispatchQueueRepository } from '../outbound/dispatch-queue.repository.js';
import { ProviderRefsRepository } from '../outbound/provider-refs.repository.js';
import { RecipientRouteIndex } from '../outbound/recipient-route-index.js';
import { checkDltSend, renderTemplate } from '../rules/dlt.js';
import { deferUntil } from '../rules/sending-window.js';
import { SettingsRepository, type TenantSettings } from '../settings/settings.repository.js';
import { TemplateRepository } from '../templates/template.repository.js';
import { computeReminders, onceRuleKeys, type PlannedReminder } from './compute-reminders.js';
import { ReminderRulesRepository } from './reminder-rules.repository.js';

const DEFAULT_CHANNELS: readonly MessageChannel[] = ['sms', 'whatsapp', 'email'];

export interface AppliedRecordEvent {
  /** False when the event (or a newer one of the record) was applied before. */
  applied: boolean;
  cancelled: number;
  queued: number;
  skipped: { rule: string; reason: string }[];
}

/**
 * A record's reminders, recomputed on each of its events in one tenant transaction: the reminders still
 * pending for the record are cancelled (status `cancelled`, off the queue) — except those of `on` rules,
 * which fire once — and the ones its current state calls for are queued as deferred messages at their
 * times (moved to the next sending window when quiet hours hold them). A deleted record's reminders are
 * all cancelled. The text is rendered and stored encrypted under the tenant's key like any message; the
 * dispatcher checks opt-out and consent again when it is due.
 */
@Injectable()
export class RecordReminders {
  constructor(
    private readonly access: ServiceTenantAccess,
    private readonly rules: ReminderRulesRepository,
    private readonly templates: TemplateRepository,
    private readonly settings: SettingsRepository,
    private readonly messages: MessageRepository,
    private readonly queue: DispatchQueueRepository,
    private readonly refs: ProviderRefsRepository,
    private readonly routes: RecipientRouteIndex,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
  ) {}

  apply(event: RecordChangedEvent): Promise<AppliedRecordEvent> {
    return this.access.run(event.tenantId, async (data) => {
      const outcome: AppliedRecordEvent = { applied: false, cancelled: 0, queued: 0, skipped: [] };
      if (!(await this.rules.markApplied(data, event.recordId, event.eventId, event.change === 'deleted')))
        return outcome;
      outcome.applied = true;
      const { rules } = await this.rules.get(data);
      const keep = event.change === 'deleted' ? [] : onceRuleKeys(event.recordType, rules);
      const cancelled = await this.messages.cancelPendingForRecord(data, event.recordId, keep);
      outcome.cancelled = cancelled.length;
      if (cancelled.length)
        await data.record({
          action: 'update',
          resource: { id: event.recordId, type: 'record' },
          subjectIds: event.customerId ? [event.customerId] : [],
          reason: `reminders_cancelled:${cancelled.length}`,
        });
      const now = this.clock.now();
      const planned = computeReminders(event, rules, now);
      if (!planned.length) return outcome;
      const settings = await this.settings.get(data);
      for (const reminder of planned) {
        const refused = await this.queueOne(data, event, reminder, settings, now);
        if (refused) outcome.skipped.push({ rule: reminder.rule.key, reason: refused });
        else outcome.queued++;
      }
      if (outcome.skipped.length)
        // IDs and reasons only: never the recipient or the text.
        this.logger.pino.warn(
          { tenantId: event.tenantId, recordId: event.recordId, skipped: outcome.skipped },
          'reminders not queued',
        );
      return outcome;
    });
  }

  /** Queues one reminder; the reason it cannot be, or null. */
  private async queueOne(
    data: TenantScope,
    event: RecordChangedEvent,
    { rule, at, variables }: PlannedReminder,
    settings: TenantSettings,
    now: Date,
  ): Promise<string | null> {
    const customer = event.customer;
    if (!customer) return 'NO_CUSTOMER';
    const registered = await this.templates.byKey(data, rule.template);
    if (!registered.length) return 'TEMPLATE_NOT_FOUND';
    let choice: { template: (typeof registered)[number]; address: string } | null = null;
    for (const channel of (rule as ReminderRule).channels ?? DEFAULT_CHANNELS) {
      const template = registered.find((t) => t.channel === channel);
      const address = channel === 'email' ? customer.email : customer.phone;
      if (template && address) {
        choice = { template, address };
        break;
      }
    }
    if (!choice) return 'NO_CHANNEL';
    const { template, address } = choice;
    if (template.channel === 'sms') {
      if (!settings.peId) return 'PE_ID_MISSING';
      if (!template.header || !settings.headers.includes(template.header)) return 'HEADER_NOT_REGISTERED';
    }
    const dlt = checkDltSend(template, variables, settings.urlDomains);
    if (dlt) return dlt.reason;
    const sendAt = deferUntil(at, template, settings.quietHours) ?? at;
    const id = uuidv7();
    const status = sendAt.getTime() > now.getTime() ? 'deferred' : 'queued';
    await this.messages.insert(data, {
      id,
      templateKey: template.key,
      channel: template.channel,
      category: template.category,
      recipient: address,
      recipientIdx: recipientIndex(data.cipher, address),
      customerId: event.customerId,
      body: renderTemplate(template.body, variables),
      variables,
      status,
      nextAttemptAt: sendAt,
      createdAt: now,
      recordId: event.recordId,
      reminderRule: rule.key,
    });
    await this.queue.enqueue(data, id, sendAt);
    await this.refs.route(data, this.routes.of(address));
    await data.record({
      action: 'create',
      resource: { id },
      subjectIds: event.customerId ? [event.customerId] : [],
      fields: messageFields(address),
      reason: `reminder:${rule.key}`,
    });
    return null;
  }
}
