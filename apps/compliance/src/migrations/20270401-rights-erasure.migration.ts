import { Migration, rlsPolicySql, tenantTableGrantsSql } from '@lekha/persistence';

const S = 'compliance';

/**
 * Erasure requests carried out (issue 12). An erasure request asks every service to erase (parts of kind
 * `erasure`) and then runs an access check under the same request ID (parts of kind `access`), so a part
 * is keyed by request, service and kind. `rights_erasures` holds an erasure's phase, the residue the check
 * found (service, what, category, count: never the data), what was retained and why, and the signed
 * deletion certificate (IDs, names and times only). A consent record of an erased principal keeps a
 * non-personal proof (purpose, grant, notice, channel, times): its address, evidence reference, blind
 * index and customer ID are dropped, and `erased_at`/`erased_by` name when and by which request.
 */
export class Migration20270401RightsErasure extends Migration {
  override async up(): Promise<void> {
    [
      `alter table ${S}.rights_parts drop constraint rights_parts_pkey`,
      `alter table ${S}.rights_parts add primary key (request_id, service, kind)`,
      `create table ${S}.rights_erasures (
        request_id uuid primary key references ${S}.rights_requests (id) on delete cascade,
        tenant_id uuid not null,
        phase text not null check (phase in ('erasing', 'checking', 'residue', 'completed')),
        residue jsonb not null default '[]',
        retained jsonb not null default '[]',
        certificate_id uuid,
        certificate jsonb,
        updated_at timestamptz not null
      )`,
      ...rlsPolicySql(`${S}.rights_erasures`),
      ...tenantTableGrantsSql(`${S}.rights_erasures`, ['select', 'insert', 'update']),
      `alter table ${S}.consent_records alter column address_enc drop not null`,
      `alter table ${S}.consent_records alter column principal_idx drop not null`,
      `alter table ${S}.consent_records add column erased_at timestamptz`,
      `alter table ${S}.consent_records add column erased_by uuid`,
    ].forEach((sql) => this.addSql(sql));
  }
}
