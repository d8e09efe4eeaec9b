import { uuidv7 } from '@lekha/contracts';
import type { UseCaseHarness } from '@lekha/use-case-testing';
import { OtpChallengeRepository } from '../src/auth/otp-challenge.repository.js';
import { PasswordResetRepository } from '../src/auth/password-reset.repository.js';
import { IdentityData } from '../src/data/identity-data.js';
import { MfaChallengeRepository } from '../src/mfa/mfa-challenge.repository.js';
import { InvitationRepository } from '../src/staff/invitation.repository.js';
import { LoginIndex } from '../src/users/login-index.js';
import { UserRepository } from '../src/users/user.repository.js';
import { IdentityFixtures, startIdentity } from './identity-harness.js';

/** Identity's repositories on a real database: the single-use and scoping rules the use cases rely on. */
describe('identity repositories (on a real database)', () => {
  let id: UseCaseHarness;
  let fixtures: IdentityFixtures;
  let data: IdentityData;
  beforeAll(async () => {
    id = await startIdentity();
    fixtures = new IdentityFixtures(id);
    data = id.get(IdentityData);
  });
  afterAll(async () => {
    await id?.stop();
  });

  it('finds a person only in their own scope: their tenant, never another or the platform’s', async () => {
    const owner = await fixtures.business();
    const other = await fixtures.business('Elsewhere');
    const users = id.get(UserRepository);
    expect((await users.findActive(data.reader(), owner.actorId, owner.tenantId))?.id).toBe(owner.actorId);
    expect(await users.findActive(data.reader(), owner.actorId, other.tenantId)).toBeNull();
    expect(await users.findActive(data.reader(), owner.actorId, null)).toBeNull();
    const deactivated = await fixtures.person(owner.tenantId, 'staff', { status: 'deactivated' });
    expect(await users.findActive(data.reader(), deactivated.actorId, owner.tenantId)).toBeNull();
    expect((await users.find(data.reader(), deactivated.actorId, owner.tenantId))?.status).toBe('deactivated');
  });

  it('finds the active user signing in by email, and leaves platform users out when asked', async () => {
    const owner = await fixtures.business();
    const users = id.get(UserRepository);
    const row = await users.find(data.reader(), owner.actorId, owner.tenantId);
    const key = { idx: row!.emailIdx!, column: 'emailIdx' as const, lookup: [row!.emailIdx!] };
    expect((await users.findActiveByLogin(data.reader(), key, { tenantsOnly: true }))?.id).toBe(owner.actorId);
    const unknown = id.get(LoginIndex).of({ email: 'nobody@example.in' });
    expect(await users.findActiveByLogin(data.reader(), unknown)).toBeNull();
  });

  it('uses a password reset once, and every other outstanding reset of the account with it', async () => {
    const owner = await fixtures.business();
    const resets = id.get(PasswordResetRepository);
    const first = { id: uuidv7(), tenantId: owner.tenantId, userId: owner.actorId, ttlMinutes: 30 };
    await data.transaction(async (tx) => {
      await resets.insert(tx, { ...first, tokenHash: 'hash-1' });
      await resets.insert(tx, { ...first, id: uuidv7(), tokenHash: 'hash-2' });
    });
    expect(await resets.findLive(data.reader(), 'hash-1')).toEqual({
      user_id: owner.actorId,
      tenant_id: owner.tenantId,
    });
    expect(await data.transaction((tx) => resets.use(tx, 'hash-1', owner.actorId))).toBe(true);
    expect(await data.transaction((tx) => resets.use(tx, 'hash-1', owner.actorId))).toBe(false);
    expect(await resets.findLive(data.reader(), 'hash-2')).toBeNull();
  });

  it('keeps one live sign-in code per person, counts wrong guesses and consumes a code once', async () => {
    const owner = await fixtures.business();
    const codes = id.get(OtpChallengeRepository);
    const base = { tenantId: owner.tenantId, userId: owner.actorId, ttlSeconds: 300 };
    const older = uuidv7();
    const newer = uuidv7();
    await data.transaction((tx) => codes.replace(tx, { ...base, id: older, codeHash: 'old' }));
    await data.transaction((tx) => codes.replace(tx, { ...base, id: newer, codeHash: 'new' }));
    const live = await data.transaction((tx) => codes.newestLive(tx, owner.actorId));
    expect(live).toMatchObject({ id: newer, code_hash: 'new', attempts: 0 });
    await data.transaction((tx) => codes.wrongGuess(tx, newer, 1, false));
    expect((await data.transaction((tx) => codes.newestLive(tx, owner.actorId)))?.attempts).toBe(1);
    expect(await data.transaction((tx) => codes.consume(tx, older))).toBe(false);
    expect(await data.transaction((tx) => codes.consume(tx, newer))).toBe(true);
    expect(await data.transaction((tx) => codes.consume(tx, newer))).toBe(false);
    expect(await data.transaction((tx) => codes.newestLive(tx, owner.actorId))).toBeNull();
  });

  it('finds an MFA challenge only under its own tenant, and burns it after the allowed failures', async () => {
    const owner = await fixtures.business();
    const other = await fixtures.business('Elsewhere');
    const challenges = id.get(MfaChallengeRepository);
    const challenge = { id: uuidv7(), tenantId: owner.tenantId, userId: owner.actorId, kind: 'login' };
    await data.scoped(owner.tenantId, (tx) =>
      challenges.insert(tx, { ...challenge, tokenHash: 'mfa-hash', ttlSeconds: 300 }),
    );
    const find = (tenantId: string | null) =>
      data.scoped(tenantId, (tx) => challenges.findLive(tx, 'mfa-hash', tenantId));
    expect((await find(owner.tenantId))?.id).toBe(challenge.id);
    // The token names its tenant: under another tenant, or none (a platform user's), it finds nothing.
    expect(await find(other.tenantId)).toBeNull();
    expect(await find(null)).toBeNull();
    await data.scoped(owner.tenantId, (tx) => challenges.failedAttempt(tx, challenge.id, 2));
    expect((await find(owner.tenantId))?.id).toBe(challenge.id);
    await data.scoped(owner.tenantId, (tx) => challenges.failedAttempt(tx, challenge.id, 2));
    expect(await find(owner.tenantId)).toBeNull();
    expect(await data.scoped(owner.tenantId, (tx) => challenges.consume(tx, challenge.id))).toBe(false);
  });

  it('accepts an invitation once, and tells whether its sender may still grant the role', async () => {
    const owner = await fixtures.business();
    const staff = await fixtures.person(owner.tenantId, 'staff');
    const invitations = id.get(InvitationRepository);
    const { id: invitationId } = await fixtures.invitation(owner, 'viewer', 'someone@example.in');
    const userId = uuidv7();
    expect(await data.transaction((tx) => invitations.accept(tx, invitationId, userId))).toBe(true);
    expect(await data.transaction((tx) => invitations.accept(tx, invitationId, userId))).toBe(false);
    const may = (by: string, role: string) =>
      data.transaction((tx) => invitations.inviterMayStillGrant(tx, owner.tenantId, by, role));
    expect(await may(owner.actorId, 'admin')).toBe(true);
    expect(await may(owner.actorId, 'owner')).toBe(false);
    expect(await may(staff.actorId, 'viewer')).toBe(false);
    expect(await may(uuidv7(), 'viewer')).toBe(false);
  });
});
