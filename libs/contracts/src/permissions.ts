/** Every permission a role or an API key's scopes may grant (roles: `@lekha/tenancy`). */
export const Permissions = [
  'customers:read',
  'customers:write',
  'customers:delete',
  'customers:export',
  // Unmasked phone and email; without it a reader sees them masked (e.g. a caretaker).
  'customers:read:contact',
  // Sensitive categories (health, government ID, financial); without it those fields are absent.
  'customers:read:sensitive',
  'records:read',
  'records:write',
  'records:types:manage',
  'records:reports',
  'records:delete',
  // Every record of the tenant (and every customer); without it, only records assigned to the caller
  // and the customers linked to them (a caretaker). It also lets a writer assign records to others.
  'records:read:all',
  'audit:read:tenant',
  'audit:read:platform',
  'users:manage',
  'billing:read',
  'billing:manage',
  // Cancel the tenant's subscription (owner only): the tenant turns read-only and its retention clock starts.
  'billing:cancel',
  'users:read',
  'users:manage:admins',
  'security:read',
  // Rotate the tenant's data-encryption key (owner only).
  'tenant:keys:manage',
  // Erase the whole tenant (owner only, with the password): every service destroys its keys.
  'tenant:erase',
  // Cancel and reactivate the tenant, set its retention policy (owner only; cancelling needs the password).
  'tenant:lifecycle',
  // Read the tenant's retention policy and purge schedule (owner, admin).
  'tenant:retention:read',
  // Customer documents (KYC, government IDs, contracts); sensitive kinds also need customers:read:sensitive.
  'documents:read',
  'documents:write',
  // Platform admin: create, list and deactivate platform users; rotate the token signing key.
  'platform:users:manage',
  'platform:keys:manage',
  // Platform compliance: the state of a tenant erasure (which services have confirmed).
  'platform:erasures:read',
  // Platform admin or compliance: place and lift legal holds.
  'platform:legal_holds:manage',
  // Platform admin or compliance: retention runs and their deletion certificates.
  'platform:retention:read',
  // Create, list and revoke the tenant's API keys (owner, admin).
  'api_keys:manage',
  // Platform admin, outside production only: read the development inbox.
  'platform:dev_inbox:read',
  // Platform admin, development and test only: move compliance's support clock (expiry and lapse in e2e suites).
  'platform:clock:set',
  // Register message templates, set providers, headers and quiet hours, record consent (owner, admin).
  'notifications:manage',
  // Send messages from registered templates and read their status (owner, admin, staff).
  'notifications:send',
  // Record and withdraw principals' consent, define the tenant's purposes (owner, admin, staff).
  'privacy:consents:write',
  // Read consent records and where each change has been applied (owner, admin, staff).
  'privacy:consents:read',
  // File, reject and complete principals' rights requests (owner, admin, staff).
  'privacy:requests:write',
  // Read rights requests, the queue of overdue ones and an access request's document (owner, admin, staff).
  'privacy:requests:read',
  // Versioned privacy notices (publish: owner, admin; read: staff too) and the platform's data map.
  'privacy:notices:write',
  'privacy:notices:read',
  'privacy:data_map:read',
  // Tenant ledgers: balances, statements, the chain check (owner, admin, accountant).
  'ledgers:read',
  // Open accounts, post and reverse entries (owner, admin, accountant); nothing ever edits or deletes one.
  'ledgers:write',
  // Platform admin: issue the platform's GST invoices to tenants.
  'platform:billing:manage',
  // Platform support: ask a tenant for access, and take the token of a grant it approved.
  'platform:support:request',
  // Platform admin and compliance: break-glass access to a tenant without its approval, on a recorded basis (P42).
  'platform:break_glass:open',
  // See, approve, deny and revoke support's access requests, and what support did under a grant (owner, admin).
  'support:grants:manage',
  // Platform admin and compliance: the law-enforcement register and its transparency report.
  'platform:legal_requests:manage',
  // Platform admin and compliance: the breach register, its filings and notices.
  'platform:incidents:manage',
] as const;
export type Permission = (typeof Permissions)[number];
