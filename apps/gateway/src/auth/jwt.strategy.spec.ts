import { JwtStrategy } from './jwt.strategy.js';

/** The claims check after the signature: who may have no tenant. */
describe('JwtStrategy.validate', () => {
  const revoked = new Set<string>(['revoked-session']);
  const validate = (payload: Record<string, unknown>) =>
    JwtStrategy.prototype.validate.call(
      { revocations: { isRevoked: async (sid: string) => revoked.has(sid) } } as unknown as JwtStrategy,
      payload,
    );
  const base = { sub: 'user-1', sid: 'session-1', exp: Math.floor(Date.now() / 1000) + 600 };

  it('accepts a tenant user with a tenant', async () => {
    expect(await validate({ ...base, tid: 'tenant-1', roles: ['owner'] })).toEqual({
      userId: 'user-1',
      tenantId: 'tenant-1',
      roles: ['owner'],
      sessionId: 'session-1',
    });
  });

  it('accepts a platform user without a tenant (tid absent or null)', async () => {
    expect(await validate({ ...base, roles: ['platform:compliance'] })).toMatchObject({
      tenantId: null,
      roles: ['platform:compliance'],
    });
    expect(await validate({ ...base, tid: null, roles: ['platform:admin', 'platform:support'] })).toMatchObject({
      tenantId: null,
    });
  });

  it('refuses a token without a tenant unless every role is a platform role', async () => {
    expect(await validate({ ...base, roles: ['owner'] })).toBe(false);
    expect(await validate({ ...base, tid: null, roles: ['platform:admin', 'admin'] })).toBe(false);
    expect(await validate({ ...base, roles: [] })).toBe(false);
  });

  it('security #19: refuses a token without an expiry (as every service does)', async () => {
    const { exp: _exp, ...noExpiry } = base;
    expect(await validate({ ...noExpiry, tid: 'tenant-1', roles: ['owner'] })).toBe(false);
    expect(await validate({ ...noExpiry, roles: ['platform:admin'] })).toBe(false);
    expect(await validate({ ...base, exp: 'tomorrow', tid: 'tenant-1', roles: ['owner'] })).toBe(false);
  });

  it('refuses a malformed tenant, missing claims and revoked sessions', async () => {
    expect(await validate({ ...base, tid: 42, roles: ['owner'] })).toBe(false);
    expect(await validate({ sid: 'session-1', tid: 'tenant-1', roles: ['owner'] })).toBe(false);
    expect(await validate({ ...base, sid: 'revoked-session', roles: ['platform:admin'] })).toBe(false);
  });
});
