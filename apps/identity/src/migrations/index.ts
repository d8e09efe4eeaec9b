import { Migration } from '@lekha/persistence';
import { auditOutboxSql } from '@lekha/audit';
import { tenantKeysSql } from '@lekha/runtime';
import { Migration20261201SessionsSecurity } from './20261201-sessions-security.migration.js';
import { Migration20261210PlatformUsersWithoutTenant } from './20261210-platform-users-without-tenant.migration.js';
import { Migration20261211TotpMfaChallengesAndApiKeys } from './20261211-totp-mfa-challenges-and-api-keys.migration.js';
import { Migration20261222TenantErasureTracking } from './20261222-tenant-erasure-tracking.migration.js';
import { Migration20261230RateBudgetsPerKey } from './20261230-rate-budgets-per-key.migration.js';
import { Migration20261230InvitationRevocationLimits } from './20261230-invitation-revocation-limits.migration.js';
import { Migration20261231PlatformUserMfa } from './20261231-platform-user-mfa.migration.js';
import { Migration20270120TenantCancellation } from './20270120-tenant-cancellation.migration.js';
import { Migration20270125StaffContactEvents } from './20270125-staff-contact-events.migration.js';
import { Migration20271210TenantRestriction } from './20271210-tenant-restriction.migration.js';
import { Migration20271230TenantSignupAnnouncement } from './20271230-tenant-signup-announcement.migration.js';

const S = 'identity';

export class Migration20261122Init extends Migration {
  override async up(): Promise<void> {
    [
      ...auditOutboxSql(S),
      ...tenantKeysSql(S),
      `create table ${S}.tenants (
        id uuid primary key,
        name text not null,
        state_code char(2) not null,
        gstin char(15),
        status text not null default 'active',
        created_at timestamptz not null default now()
      )`,
      `create table ${S}.users (
        id uuid primary key,
        tenant_id uuid not null references ${S}.tenants(id),
        name_enc bytea not null,
        email_enc bytea, email_idx text unique,
        phone_enc bytea, phone_idx text unique,
        password_hash text not null,
        roles text[] not null,
        status text not null default 'active',
        age_confirmed_at timestamptz not null,
        created_at timestamptz not null default now()
      )`,
      `create index users_tenant on ${S}.users (tenant_id)`,
      `create table ${S}.refresh_tokens (
        id uuid primary key,
        family_id uuid not null,
        user_id uuid not null references ${S}.users(id),
        tenant_id uuid not null,
        token_hash text not null unique,
        expires_at timestamptz not null,
        used_at timestamptz,
        revoked_at timestamptz,
        created_at timestamptz not null default now()
      )`,
      `create index refresh_tokens_family on ${S}.refresh_tokens (family_id)`,
      `create table ${S}.signing_keys (
        kid text primary key,
        private_enc bytea not null,
        public_jwk jsonb not null,
        created_at timestamptz not null default now(),
        retired_at timestamptz
      )`,
    ].forEach((sql) => this.addSql(sql));
  }
}

export const migrations = [
  { name: 'Migration20261122Init', class: Migration20261122Init },
  { name: 'Migration20261201SessionsSecurity', class: Migration20261201SessionsSecurity },
  // Recorded as Migration20261210PlatformUsersPlat by databases migrated before it was renamed.
  {
    name: 'Migration20261210PlatformUsersWithoutTenant',
    class: Migration20261210PlatformUsersWithoutTenant,
    formerNames: ['Migration20261210PlatformUsersPlat'],
  },
  // Recorded as Migration20261211MfaApiKeysMfak by databases migrated before it was renamed.
  {
    name: 'Migration20261211TotpMfaChallengesAndApiKeys',
    class: Migration20261211TotpMfaChallengesAndApiKeys,
    formerNames: ['Migration20261211MfaApiKeysMfak'],
  },
  // Recorded as Migration20261222TenantErasureTers by databases migrated before it was renamed.
  {
    name: 'Migration20261222TenantErasureTracking',
    class: Migration20261222TenantErasureTracking,
    formerNames: ['Migration20261222TenantErasureTers'],
  },
  // Recorded as Migration20261230RateBudgetsRbud by databases migrated before it was renamed.
  {
    name: 'Migration20261230RateBudgetsPerKey',
    class: Migration20261230RateBudgetsPerKey,
    formerNames: ['Migration20261230RateBudgetsRbud'],
  },
  { name: 'Migration20261230InvitationRevocationLimits', class: Migration20261230InvitationRevocationLimits },
  { name: 'Migration20261231PlatformUserMfa', class: Migration20261231PlatformUserMfa },
  { name: 'Migration20270120TenantCancellation', class: Migration20270120TenantCancellation },
  { name: 'Migration20270125StaffContactEvents', class: Migration20270125StaffContactEvents },
  { name: 'Migration20271210TenantRestriction', class: Migration20271210TenantRestriction },
  { name: 'Migration20271230TenantSignupAnnouncement', class: Migration20271230TenantSignupAnnouncement },
];
