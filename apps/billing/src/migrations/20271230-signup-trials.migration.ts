import { Migration } from '@lekha/persistence';

const S = 'billing';

/**
 * The sign-up trial: billing creates it from identity's `tenant.signed-up` with `chosen = false`; at its
 * end a tenant that never chose a plan moves to the free plan (no invoice). Every subscription before
 * this one was created by the owner's own choice.
 */
export class Migration20271230SignupTrials extends Migration {
  override async up(): Promise<void> {
    [`alter table ${S}.subscriptions add column chosen boolean not null default true`].forEach((sql) =>
      this.addSql(sql),
    );
  }
}
