import { Migration } from '@lekha/persistence';

const S = 'identity';

/**
 * Request budgets (signups per client IP, codes and reset tokens per identifier and IP, unknown
 * identifiers per IP): one theoretical arrival time per key (GCRA), keys being keyed hashes.
 */
export class Migration20261230RateBudgetsPerKey extends Migration {
  override async up(): Promise<void> {
    [
      `create table ${S}.rate_budgets (
        key text primary key,
        tat timestamptz not null
      )`,
      `create index rate_budgets_tat on ${S}.rate_budgets (tat)`,
    ].forEach((sql) => this.addSql(sql));
  }
}
