import { offsetMs, type RecordChangedEvent, type ReminderRule } from '@lekha/contracts';

/** One reminder a rule asks for: when, and what fills the template's variables. */
export interface PlannedReminder {
  rule: ReminderRule;
  at: Date;
  variables: string[];
}

const IST_OFFSET_MS = 330 * 60_000;
/** A date-only field (`dueOn`, a rent due date) counts from 09:00 IST that day. */
const DATE_ONLY_HOUR_IST = 9;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The instant a record's time field stands for; null when the field is absent or not a time. */
export function fieldInstant(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const date = DATE_ONLY.exec(value);
  if (date) {
    const utc = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]), DATE_ONLY_HOUR_IST) - IST_OFFSET_MS;
    return new Date(utc);
  }
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t);
}

const two = (n: number) => String(n).padStart(2, '0');

/** A field's value as a template variable: a time as `DD-MM-YYYY HH:MM` (IST), a date as `DD-MM-YYYY`. */
export function variableText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') {
    const date = DATE_ONLY.exec(value);
    if (date) return `${date[3]}-${date[2]}-${date[1]}`;
    const at = fieldInstant(value);
    if (at) {
      const ist = new Date(at.getTime() + IST_OFFSET_MS);
      return (
        `${two(ist.getUTCDate())}-${two(ist.getUTCMonth() + 1)}-${ist.getUTCFullYear()} ` +
        `${two(ist.getUTCHours())}:${two(ist.getUTCMinutes())}`
      );
    }
    return value;
  }
  return String(value);
}

/**
 * The reminders a record's change calls for under the tenant's rules, at `now`: for each rule of the
 * record's type, its time field plus each offset (those already past are skipped), or — an `on:
 * assigned` rule — one at once when the record has just been given an assignee. A rule addressed to
 * the `assignee` asks for nothing while the record has none. A deleted record calls for none. Pure: the
 * caller cancels what was pending and queues these (and finds each one's address).
 */
export function computeReminders(
  event: RecordChangedEvent,
  rules: readonly ReminderRule[],
  now: Date,
): PlannedReminder[] {
  if (event.change === 'deleted') return [];
  const planned: PlannedReminder[] = [];
  for (const rule of rules) {
    if (rule.recordType !== event.recordType) continue;
    if (rule.recipient === 'assignee' && !event.assigneeUserId) continue;
    const variables = rule.variables.map((name) =>
      name === 'customer.name' ? (event.customer?.name ?? '') : variableText(event.fields[name]),
    );
    if (rule.on === 'assigned') {
      if (event.assigneeUserId && event.assigneeUserId !== event.previousAssigneeUserId)
        planned.push({ rule, at: now, variables });
      continue;
    }
    const base = rule.field ? fieldInstant(event.fields[rule.field]) : null;
    if (!base) continue;
    for (const offset of rule.offsets) {
      const at = new Date(base.getTime() + offsetMs(offset));
      if (at.getTime() > now.getTime()) planned.push({ rule, at, variables });
    }
  }
  return planned.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The rules whose reminders fire once (`on`): a later change of the record does not cancel them. */
export function onceRuleKeys(recordType: string, rules: readonly ReminderRule[]): string[] {
  return rules.filter((r) => r.recordType === recordType && r.on !== undefined).map((r) => r.key);
}
