import type { PersonalDataDeclaration } from '@lekha/contracts';

/** Who identity's personal data is about: never a tenant's customers (they do not sign in to Lekha). */
const STAFF = 'accounts of the tenant’s owners and staff (and the platform’s users), never its customers';

const account = (
  table: string,
  what: string,
  category: PersonalDataDeclaration['category'],
  purpose: string,
): PersonalDataDeclaration => ({ table, what, category, purpose, principalColumn: null, notCustomers: STAFF });

/**
 * What identity holds: accounts and their security trail, all about people who sign in. Its rights
 * handler answers every request with an empty part that says so.
 */
export const IDENTITY_PERSONAL_DATA: readonly PersonalDataDeclaration[] = [
  account('identity.users', 'account', 'user.name', 'signing in to the business’s Lekha'),
  account('identity.invitations', 'staff invitation', 'user.contact.email', 'inviting staff'),
  account('identity.login_events', 'sign-in history', 'user.activity', 'security of accounts'),
  account('identity.sessions', 'session', 'user.activity', 'keeping a person signed in'),
  account('identity.mfa_totp', 'two-step sign-in secret', 'business.operational', 'two-step sign-in'),
  account('identity.api_keys', 'API key', 'business.operational', 'the tenant’s integrations'),
  {
    table: 'identity.signing_keys',
    what: 'token signing key',
    category: 'business.operational',
    purpose: 'signing access tokens',
    principalColumn: null,
    notCustomers: 'the platform’s own keys: no person’s data',
  },
];
