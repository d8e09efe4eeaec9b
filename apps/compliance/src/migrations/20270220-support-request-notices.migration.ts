import { Migration } from '@lekha/persistence';

const S = 'compliance';

/**
 * Support requests, finished: the request's reason and the decision's note are stored sealed under the
 * tenant's key (`reason_enc`, `note_enc`; either may name a person), and the tenant's owner is told of a
 * request through the registers' notice table (`source_type` 'support_request', one row per request, so
 * the notice is handed over once). Rows written before this keep their plain `reason` and are read as such.
 */
export class Migration20270220SupportRequestNotices extends Migration {
  override async up(): Promise<void> {
    [
      `alter table ${S}.support_requests add column reason_enc bytea`,
      `alter table ${S}.support_requests add column note_enc bytea`,
      `alter table ${S}.support_requests alter column reason drop not null`,
      `alter table ${S}.support_requests add constraint support_requests_reason_present ` +
        `check (reason is not null or reason_enc is not null)`,
      `alter table ${S}.register_notices drop constraint register_notices_source_type_check`,
      `alter table ${S}.register_notices add constraint register_notices_source_type_check ` +
        `check (source_type in ('legal_request', 'incident', 'support_request'))`,
    ].forEach((sql) => this.addSql(sql));
  }
}
