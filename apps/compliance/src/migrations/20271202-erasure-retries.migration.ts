import { Migration } from '@lekha/persistence';

const S = 'compliance';

/**
 * An erasure whose access check finds a residue is ordered again from the services holding it (a bounded
 * number of times, with a back-off): `retries` counts how often.
 */
export class Migration20271202ErasureRetries extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table ${S}.rights_erasures add column retries int not null default 0`);
  }
}
