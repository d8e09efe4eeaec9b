import { MessageQuota } from '../messages/message-quota.js';
import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import { uuidv7, type MessageChannel, type RecordChangedEvent, type ReminderRule } from '@lekha/contracts';
import { AppLogger, EntitlementsReader } from '@lekha/runtime';
import { Clock } from '../common/clock.js';
import { messageFields, recipientIndex } from '../common/recipient.js';
import { ServiceTenantAccess } from '../common/service-tenant-access.js';
import { MessageRepository, type MessageRow } from '../messages/message.repository.js';
import { DispatchQueueRepository } from '../outbound/dispatch-queue.repository.js';
import { ProviderRefsRepository } from '../outbound/provider-refs.repository.js';
import { RecipientRouteIndex } from '../outbound/recipient-route-index.js';
import { checkDltSend, renderTemplate } from '../rules/dlt.js';
import { deferUntil } from '../rules/sending-window.js';
import { SettingsRepository, type TenantSettings } from '../settings/settings.repository.js';
import { TemplateRepository, type TemplateRow } from '../templates/template.repository.js';
import { computeReminders, onceRuleKeys, type PlannedReminder } from './compute-reminders.js';
import { ReminderRulesRepository } from './reminder-rules.repository.js';
import { StaffContactsRepository } from './staff-contacts.repository.js';

const DEFAULT_CHANNELS: readonly MessageChannel[] = ['sms', 'whatsapp', 'email'];

export interface AppliedRecordEvent {
  /** False when the event (or a newer one of the record) was applied before. */
  applied: boolean;
  cancelled: number;
  queued: number;
  /** Pending reminders the change leaves as they were (same rule, time, recipient and text). */
  kept: number;
  skipped: { rule: string; reason: string }[];
}

/** A reminder checked and ready to store. */
interface Prepared {
  rule: string;
  template: TemplateRow;
  address: string;
  /** A reminder to the record's assignee: the staff user. */
  userId: string | null;
  variables: string[];
  sendAt: Date;
}

/** What makes two reminders the same one: a change that leaves it alone does not cancel and re-queue it. */
const sameness = (rule: string | null, channel: string, at: Date, address: string, variables: string[]) =>
  JSON.stringify([rule, channel, at.toISOString(), address, variables]);

/**
 * A record's reminders, recomputed on each of its events in one tenant transaction. What its current state
 * calls for (`computeReminders`) is compared with what is pending for the record: a pending reminder the
 * change leaves as it was stays; the others are cancelled (status `cancelled`, off the queue) — except
 * those of `on` rules, which fire once — and the new ones are queued as deferred messages at their times
 * (later if quiet hours hold them then). A deleted record's pending reminders are all cancelled. The text
 * is rendered and stored encrypted under the tenant's key like any message; the dispatcher checks opt-out
 * and consent again when it is due.
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
    private readonly staff: StaffContactsRepository,
    private readonly clock: Clock,
    private readonly logger: AppLogger,
    private readonly entitlements: EntitlementsReader,
    private readonly quota: MessageQuota,
  ) {}

  apply(event: RecordChangedEvent): Promise<AppliedRecordEvent> {
    return this.access.run(event.tenantId, async (data) => {
      const outcome: AppliedRecordEvent = { applied: false, cancelled: 0, queued: 0, kept: 0, skipped: [] };
      if (!(await this.rules.markApplied(data, event.recordId, event.eventId, event.change === 'deleted')))
        return outcome;
      outcome.applied = true;
      const { rules } = await this.rules.get(data);
      const once = new Set(event.change === 'deleted' ? [] : onceRuleKeys(event.recordType, rules));
      const pending = new Map<string, MessageRow>();
      for (const row of await this.messages.pendingForRecord(data, event.recordId)) {
        if (row.reminder_rule && once.has(row.reminder_rule)) continue;
        const plain = this.messages.plain(data, row);
        const at = new Date(row.next_attempt_at ?? row.created_at);
        pending.set(sameness(row.reminder_rule, row.channel, at, plain.recipient, plain.variables), row);
      }
      const now = this.clock.now();
      const planned = computeReminders(event, rules, now);
      const settings = planned.length ? await this.settings.get(data) : null;
      const fresh: Prepared[] = [];
      for (const reminder of planned) {
        const prepared = await this.prepare(data, event, reminder, settings!);
        if (typeof prepared === 'string') {
          outcome.skipped.push({ rule: reminder.rule.key, reason: prepared });
          continue;
        }
        const key = sameness(
          prepared.rule,
          prepared.template.channel,
          prepared.sendAt,
          prepared.address,
          prepared.variables,
        );
        if (pending.delete(key)) outcome.kept++;
        else fresh.push(prepared);
      }
      const cancelled = await this.messages.cancelPending(
        data,
        [...pending.values()].map((r) => r.id),
      );
      outcome.cancelled = cancelled.length;
      if (cancelled.length)
        await data.record({
          action: 'update',
          resource: { id: event.recordId, type: 'record' },
          subjectIds: event.customerId ? [event.customerId] : [],
          reason: `reminders_cancelled:${cancelled.length}`,
        });
      for (const prepared of fresh) await this.store(data, event, prepared, now);
      outcome.queued = fresh.length;
      if (outcome.skipped.length)
        // IDs and reasons only: never the recipient or the text.
        this.logger.pino.warn(
          { tenantId: event.tenantId, recordId: event.recordId, skipped: outcome.skipped },
          'reminders not queued',
        );
      return outcome;
    });
  }

  /** Checks one reminder like a send; the reason it cannot go, or what to store. */
  private async prepare(
    data: TenantScope,
    event: RecordChangedEvent,
    { rule, at, variables }: PlannedReminder,
    settings: TenantSettings,
  ): Promise<Prepared | string> {
    const to = await this.recipient(data, event, rule.recipient);
    if (typeof to === 'string') return to;
    const registered = await this.templates.byKey(data, rule.template);
    if (!registered.length) return 'TEMPLATE_NOT_FOUND';
    let choice: { template: TemplateRow; address: string } | null = null;
    // WhatsApp only when the tenant's plan includes it (a plan without it sends by the next channel).
    const { whatsapp } = (await this.entitlements.current(data.tenantId)).entitlements.features;
    for (const channel of rule.channels ?? DEFAULT_CHANNELS) {
      if (channel === 'whatsapp' && !whatsapp) continue;
      const template = registered.find((t) => t.channel === channel);
      const address = channel === 'email' ? to.email : to.phone;
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
    return { rule: rule.key, template, address, userId: to.userId, variables, sendAt };
  }

  /**
   * Who a rule addresses: the record's customer (their contact as of the event), or its assignee (their
   * contact as identity last published it); the reason when there is no one to address.
   */
  private async recipient(
    data: TenantScope,
    event: RecordChangedEvent,
    recipient: ReminderRule['recipient'],
  ): Promise<{ phone: string | null; email: string | null; userId: string | null } | string> {
    if (recipient === 'customer')
      return event.customer
        ? { phone: event.customer.phone, email: event.customer.email, userId: null }
        : 'NO_CUSTOMER';
    if (!event.assigneeUserId) return 'NO_ASSIGNEE';
    const contact = await this.staff.find(data, event.assigneeUserId);
    // Not (yet) published by identity, or deactivated: a deactivated assignee gets nothing.
    if (!contact?.active || (!contact.phone && !contact.email)) return 'NO_ASSIGNEE_CONTACT';
    return { phone: contact.phone, email: contact.email, userId: event.assigneeUserId };
  }

  private async store(data: TenantScope, event: RecordChangedEvent, p: Prepared, now: Date): Promise<void> {
    const id = uuidv7();
    await this.messages.insert(data, {
      id,
      templateKey: p.template.key,
      channel: p.template.channel,
      category: p.template.category,
      recipient: p.address,
      recipientIdx: recipientIndex(data.cipher, p.address),
      customerId: event.customerId,
      body: renderTemplate(p.template.body, p.variables),
      variables: p.variables,
      status: p.sendAt.getTime() > now.getTime() ? 'deferred' : 'queued',
      nextAttemptAt: p.sendAt,
      createdAt: now,
      recordId: event.recordId,
      reminderRule: p.rule,
      recipientUserId: p.userId,
    });
    await this.quota.add(data, 1);
    await this.queue.enqueue(data, { messageId: id, at: p.sendAt, category: p.template.category });
    await this.refs.route(data, this.routes.of(p.address));
    await data.record({
      action: 'create',
      resource: { id },
      subjectIds: p.userId ? [p.userId] : event.customerId ? [event.customerId] : [],
      fields: messageFields(p.address),
      reason: `reminder:${p.rule}`,
    });
  }
}
