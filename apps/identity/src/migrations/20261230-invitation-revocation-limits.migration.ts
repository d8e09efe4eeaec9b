import { Migration } from '@lekha/persistence';

const S = 'identity';

/**
 * Invitations can be revoked (by whom and when), and the send limits count recent invitations per
 * tenant and per recipient (the recipient's keyed login index, across tenants), so both need an index.
 */
export class Migration20261230InvitationRevocationLimits extends Migration {
  override async up(): Promise<void> {
    [
      `alter table ${S}.invitations add column revoked_at timestamptz, add column revoked_by uuid`,
      `create index invitations_tenant_created on ${S}.invitations (tenant_id, created_at)`,
      `create index invitations_email_created on ${S}.invitations (email_idx, created_at) where email_idx is not null`,
      `create index invitations_phone_created on ${S}.invitations (phone_idx, created_at) where phone_idx is not null`,
    ].forEach((sql) => this.addSql(sql));
  }
}
