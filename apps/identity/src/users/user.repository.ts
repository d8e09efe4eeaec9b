import { Injectable } from '@nestjs/common';
import type { Em } from '@lekha/persistence';
import type { LoginKey } from './login-index.js';
import { User, type UserRow } from './user.entity.js';

/** New user fields; the status and creation time take their defaults. */
export type NewUser = Omit<UserRow, 'status' | 'createdAt'> & Partial<Pick<UserRow, 'status' | 'createdAt'>>;

/** The sign-in identifiers a signup typed that already belong to an account (any status, any kind). */
export interface TakenIdentifiers {
  email: Pick<UserRow, 'id' | 'tenantId'> | null;
  phone: Pick<UserRow, 'id' | 'tenantId'> | null;
}

/**
 * People who sign in: a tenant's (`tenantId` set) and platform users (`tenantId` null). Every
 * look-up by ID names the tenant (null for a platform user), so a person is only ever found in
 * their own scope.
 */
@Injectable()
export class UserRepository {
  /** The active user with this ID in this scope. */
  findActive(em: Em, id: string, tenantId: string | null): Promise<UserRow | null> {
    return em.findOne(User, { id, tenantId, status: 'active' });
  }

  /** The tenant's first active owner (by when they joined). */
  async activeOwner(em: Em, tenantId: string): Promise<UserRow | null> {
    const users = await em.find(User, { tenantId, status: 'active' }, { orderBy: { createdAt: 'asc' } });
    return users.find((u) => u.roles.includes('owner')) ?? null;
  }

  /** The user with this ID in this scope, whatever their status. */
  find(em: Em, id: string, tenantId: string | null): Promise<UserRow | null> {
    return em.findOne(User, { id, tenantId });
  }

  /**
   * The active user signing in with this identifier (a row under the current form wins);
   * `tenantsOnly` leaves platform users out.
   */
  async findActiveByLogin(em: Em, key: LoginKey, opts: { tenantsOnly?: boolean } = {}): Promise<UserRow | null> {
    const users = await em.find(User, {
      [key.column]: { $in: key.lookup },
      status: 'active',
      ...(opts.tenantsOnly ? { tenantId: { $ne: null } } : {}),
    });
    return users.find((u) => u[key.column] === key.idx) ?? users[0] ?? null;
  }

  /** Whoever already holds the typed email or phone as a sign-in identifier. */
  async taken(tx: Em, email: LoginKey, phone: LoginKey): Promise<TakenIdentifiers> {
    const rows = await tx.find(
      User,
      { $or: [{ emailIdx: { $in: email.lookup } }, { phoneIdx: { $in: phone.lookup } }] },
      { fields: ['id', 'tenantId', 'emailIdx', 'phoneIdx'] },
    );
    const pick = (match: (u: (typeof rows)[number]) => boolean) => {
      const row = rows.find(match);
      return row ? { id: row.id, tenantId: row.tenantId ?? null } : null;
    };
    return {
      email: pick((u) => email.lookup.includes(u.emailIdx ?? '')),
      phone: pick((u) => phone.lookup.includes(u.phoneIdx ?? '')),
    };
  }

  /** Whether any account (any status) signs in with this exact email or phone index. */
  async identifierInUse(tx: Em, idx: { emailIdx: string | null; phoneIdx: string | null }): Promise<boolean> {
    const or = [
      ...(idx.emailIdx ? [{ emailIdx: idx.emailIdx }] : []),
      ...(idx.phoneIdx ? [{ phoneIdx: idx.phoneIdx }] : []),
    ];
    return or.length > 0 && (await tx.count(User, { $or: or })) > 0;
  }

  /** The account (any kind, any status) that signs in with this email index. */
  findByEmailIndex(tx: Em, emailIdx: string): Promise<UserRow | null> {
    return tx.findOne(User, { emailIdx });
  }

  /** Inserts the user now (a unique identifier taken meanwhile fails here, inside `tx`). */
  async insert(tx: Em, user: NewUser): Promise<void> {
    tx.create(User, user);
    await tx.flush();
  }

  /** A tenant's people, or with `null` the platform users, oldest first. */
  listOf(tx: Em, tenantId: string | null): Promise<UserRow[]> {
    return tx.find(User, { tenantId }, { orderBy: { createdAt: 'asc' } });
  }

  /** Changes a user found in `tx` (roles or status) and writes it. */
  async change(tx: Em, user: UserRow, change: Partial<Pick<UserRow, 'roles' | 'status'>>): Promise<void> {
    Object.assign(user, change);
    await tx.flush();
  }

  /** Sets a new password hash for the user with this ID in this scope. */
  async setPasswordHash(tx: Em, id: string, tenantId: string | null, passwordHash: string): Promise<void> {
    await tx.nativeUpdate(User, { id, tenantId }, { passwordHash });
  }
}
