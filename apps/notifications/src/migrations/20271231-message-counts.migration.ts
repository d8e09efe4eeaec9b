import { Migration, rlsPolicySql, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'notifications';

/**
 * The tenant's own messages a month (IST calendar month, keyed by its start instant), kept as a counter
 * the accepting transaction locks and adds to: the plan's messages-a-month check reads one row instead of
 * counting the month's messages (which grew with every send, under a per-tenant lock). Counted from the
 * messages already stored; the platform's own messages (`platform:` templates) are not the tenant's usage.
 */
export class Migration20271231MessageCounts extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.message_counts (
        tenant_id uuid not null,
        month_start timestamptz not null,
        messages bigint not null default 0 check (messages >= 0),
        primary key (tenant_id, month_start)
      )`,
      ...rlsPolicySql(`${S}.message_counts`),
      ...tenantTableGrantsSql(`${S}.message_counts`),
      `insert into ${S}.message_counts (tenant_id, month_start, messages)
         select tenant_id,
                -- IST is UTC+05:30 all year: the month's start in IST, as an instant.
                (date_trunc('month', (created_at at time zone 'UTC') + interval '5 hours 30 minutes')
                  - interval '5 hours 30 minutes') at time zone 'UTC' as month_start,
                count(*)
           from ${S}.messages
          where template_key not like 'platform:%'
          group by 1, 2`,
    ].forEach((sql) => this.addSql(sql));
  }
}
