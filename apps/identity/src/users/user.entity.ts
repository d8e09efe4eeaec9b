import { defineEntity, p, type InferEntity } from '@lekha/persistence';

/**
 * A person who signs in. Name, email and phone are encrypted under the tenant's key; the
 * login indexes are keyed hashes under a platform key so sign-in can find the user.
 */
export const User = defineEntity({
  name: 'User',
  tableName: 'users',
  properties: {
    id: p.uuid().primary(),
    /** Null for a platform user (support, compliance, admin). */
    tenantId: p.uuid().nullable(),
    nameEnc: p.blob(),
    emailEnc: p.blob().nullable(),
    emailIdx: p.string().nullable(),
    phoneEnc: p.blob().nullable(),
    phoneIdx: p.string().nullable(),
    passwordHash: p.string(),
    roles: p.array(),
    status: p.string().default('active'),
    ageConfirmedAt: p.datetime(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
export type UserRow = InferEntity<typeof User>;
