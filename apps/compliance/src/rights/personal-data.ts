import type { PersonalDataDeclaration } from '@lekha/contracts';

/** What compliance holds about a tenant's customers: its rights handler answers from these. */
export const COMPLIANCE_PERSONAL_DATA: readonly PersonalDataDeclaration[] = [
  {
    table: 'compliance.consent_records',
    what: 'consent record',
    category: 'user.consent',
    purpose: 'proof of the consents you gave and withdrew',
    principalColumn: 'customer_id',
  },
  {
    table: 'compliance.consent_withdrawals',
    what: 'consent withdrawal',
    category: 'user.consent',
    purpose: 'proof of the consents you withdrew',
    principalColumn: 'record_id',
  },
  {
    table: 'compliance.consent_outbox',
    what: 'consent change awaiting a consent view',
    category: 'user.consent',
    purpose: 'telling the services that check consent that a consent was given, withdrawn or erased',
    // An erasure act keeps the address (encrypted) only until every consent view confirmed it.
    principalColumn: 'act_id',
    partOf: 'compliance.consent_records',
  },
  {
    table: 'compliance.rights_requests',
    what: 'rights request',
    category: 'user.notes',
    purpose: 'answering your requests under the DPDP Act',
    principalColumn: 'customer_id',
  },
  {
    table: 'compliance.rights_parts',
    what: 'rights request answers',
    category: 'user.notes',
    purpose: 'assembling your access and export documents',
    principalColumn: 'customer_id',
  },
  {
    table: 'compliance.rights_verifications',
    what: 'rights request verification',
    category: 'user.notes',
    purpose: 'verifying requests you file yourself on the public route (a one-time code)',
    principalColumn: 'customer_id',
    partOf: 'compliance.rights_requests',
  },
  {
    table: 'compliance.rights_corrections',
    what: 'requested correction',
    category: 'user.notes',
    purpose: 'correcting your data as you asked',
    principalColumn: 'customer_id',
    partOf: 'compliance.rights_requests',
  },
  {
    table: 'compliance.audit_events',
    what: 'processing activity',
    category: 'user.activity',
    purpose: 'the audit trail the law requires of every access to your data',
    principalColumn: 'subject_ids',
  },
  {
    table: 'compliance.register_notices',
    what: 'breach notice',
    category: 'user.activity',
    purpose: 'telling you of a personal data breach that affected you (DPDP Rule 7)',
    principalColumn: 'customer_id',
  },
  {
    table: 'compliance.legal_holds',
    what: 'legal hold',
    category: 'business.operational',
    purpose: 'keeping data a court, regulator or investigation requires',
    principalColumn: 'customer_id',
    withheld: 'a legal hold may belong to a law-enforcement matter and is not disclosed while it stands',
  },
  {
    table: 'compliance.support_requests',
    what: 'support access request',
    category: 'business.operational',
    purpose: 'platform support asking the tenant for access, and the tenant’s decision',
    principalColumn: null,
    notCustomers:
      'requests between platform support and the tenant (the reason sealed under its key), not about customers',
  },
];
