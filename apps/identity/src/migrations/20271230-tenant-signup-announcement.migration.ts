import { Migration } from '@lekha/persistence';

const S = 'identity';

/**
 * The sign-up announcement (`tenant.signed-up`, from which billing starts the sign-up trial):
 * `signup_published_at` is null until the event is on the bus, so an outage delays it but never loses
 * it. Tenants that existed before are marked announced here, so none is announced late.
 */
export class Migration20271230TenantSignupAnnouncement extends Migration {
  override async up(): Promise<void> {
    [
      `alter table ${S}.tenants add column signup_published_at timestamptz`,
      `update ${S}.tenants set signup_published_at = now()`,
      `create index tenants_signup_unpublished on ${S}.tenants (created_at) where signup_published_at is null`,
    ].forEach((sql) => this.addSql(sql));
  }
}
