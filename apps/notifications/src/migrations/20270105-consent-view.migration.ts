import { Migration } from '@lekha/persistence';

/**
 * The consents table becomes notifications' view of compliance's consent records: each row is a
 * principal's state for one grant, with the expiry that ends it (checked when read) and the sequence
 * number of the compliance change it came from (a later change wins whatever order events arrive in).
 */
export class Migration20270105ConsentView extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table notifications.consents add column expires_at timestamptz`);
    this.addSql(`alter table notifications.consents add column compliance_seq bigint`);
  }
}
