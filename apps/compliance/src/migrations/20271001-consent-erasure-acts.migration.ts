import { Migration } from '@lekha/persistence';

const S = 'compliance';

/**
 * Erasure reaches the consent views (issue 12): when a principal is erased, compliance queues one act per
 * address and grant telling each view the consent is gone. The record loses its address in that same
 * transaction, so the outbox row keeps what the relay needs to publish it (the address, still encrypted
 * under the tenant's key, the grant and the time) until the view confirms; the confirmed row is deleted.
 * The record names its erasure act, so the consent's `applied` shows where the erasure was applied.
 */
export class Migration20271001ConsentErasureActs extends Migration {
  override async up(): Promise<void> {
    [
      `alter table ${S}.consent_outbox add column address_enc bytea`,
      `alter table ${S}.consent_outbox add column grants text
         check (grants in ('service_explicit', 'promotional', 'whatsapp'))`,
      `alter table ${S}.consent_outbox add column changed_at timestamptz`,
      `alter table ${S}.consent_records add column erasure_act_id uuid`,
    ].forEach((sql) => this.addSql(sql));
  }
}
