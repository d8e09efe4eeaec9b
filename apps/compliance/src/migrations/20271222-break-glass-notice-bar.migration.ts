import { Migration } from '@lekha/persistence';

const S = 'compliance';

/**
 * A break-glass grant may hold the owner's notice back under a recorded bar (its reason in words and when
 * it ends, at most 90 days after the grant); the notice row is due when the bar ends. Only break-glass
 * grants have a bar, and a bar has both parts.
 */
export class Migration20271222BreakGlassNoticeBar extends Migration {
  override async up(): Promise<void> {
    [
      `alter table ${S}.support_requests add column bar_reason text`,
      `alter table ${S}.support_requests add column bar_until timestamptz`,
      `alter table ${S}.support_requests add constraint support_requests_bar ` +
        `check ((bar_reason is null) = (bar_until is null) and (bar_reason is null or (kind = 'break_glass' ` +
        `and bar_until > requested_at and bar_until <= requested_at + interval '90 days')))`,
    ].forEach((sql) => this.addSql(sql));
  }
}
