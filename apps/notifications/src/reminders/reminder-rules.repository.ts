import { Injectable } from '@nestjs/common';
import type { TenantScope } from '@lekha/access';
import type { ReminderRule, ReminderRulesView } from '@lekha/contracts';

interface RulesRow {
  rules: ReminderRule[] | string;
  updated_at: Date | string;
}

/** A tenant's reminder rules: record types, field names, offsets and template keys (no personal data). */
@Injectable()
export class ReminderRulesRepository {
  async get({ tx, tenantId }: TenantScope): Promise<{ rules: ReminderRule[]; updatedAt: string | null }> {
    const [row] = await tx.execute<RulesRow[]>(
      `select rules, updated_at from notifications.reminder_rules where tenant_id = ?`,
      [tenantId],
    );
    if (!row) return { rules: [], updatedAt: null };
    const rules = typeof row.rules === 'string' ? (JSON.parse(row.rules) as ReminderRule[]) : row.rules;
    return { rules, updatedAt: new Date(row.updated_at).toISOString() };
  }

  async put({ tx, tenantId }: TenantScope, rules: ReminderRule[]): Promise<void> {
    await tx.execute(
      `insert into notifications.reminder_rules (tenant_id, rules, updated_at) values (?, ?::jsonb, now())
         on conflict (tenant_id) do update set rules = excluded.rules, updated_at = excluded.updated_at`,
      [tenantId, JSON.stringify(rules)],
    );
  }

  /**
   * Marks the record's event as applied; false when it (or a newer one) already was — a redelivered or
   * overtaken event then changes nothing.
   */
  async markApplied({ tx, tenantId }: TenantScope, recordId: string, eventId: string, deleted: boolean) {
    const [row] = await tx.execute<{ last_event_id: string }[]>(
      `select last_event_id from notifications.record_event_marks where tenant_id = ? and record_id = ? for update`,
      [tenantId, recordId],
    );
    if (row && row.last_event_id >= eventId) return false;
    await tx.execute(
      `insert into notifications.record_event_marks (tenant_id, record_id, last_event_id, deleted) values (?, ?, ?, ?)
         on conflict (tenant_id, record_id) do update set last_event_id = excluded.last_event_id,
           deleted = excluded.deleted`,
      [tenantId, recordId, eventId, deleted],
    );
    return true;
  }
}

export function rulesView(saved: { rules: ReminderRule[]; updatedAt: string | null }): ReminderRulesView {
  return { rules: saved.rules, updatedAt: saved.updatedAt };
}
