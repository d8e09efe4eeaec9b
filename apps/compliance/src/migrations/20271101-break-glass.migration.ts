import { Migration } from '@lekha/persistence';

const S = 'compliance';

/**
 * Break-glass access (P42): a grant of kind `break_glass` is a support grant the platform opened without the
 * tenant's approval, on a recorded basis and reference, approved at its creation (no second access path: the
 * same table, token, per-request check, audit and revocation). Rows before this are `consent` grants.
 */
export class Migration20271101BreakGlass extends Migration {
  override async up(): Promise<void> {
    [
      `alter table ${S}.support_requests add column kind text not null default 'consent' ` +
        `check (kind in ('consent', 'break_glass'))`,
      `alter table ${S}.support_requests add column basis text`,
      `alter table ${S}.support_requests add column reference text`,
      `alter table ${S}.support_requests add constraint support_requests_break_glass_basis ` +
        `check (kind = 'consent' or (basis is not null and reference is not null and hours <= 4))`,
      `create index support_requests_break_glass on ${S}.support_requests (requested_at desc) ` +
        `where kind = 'break_glass'`,
    ].forEach((sql) => this.addSql(sql));
  }
}
