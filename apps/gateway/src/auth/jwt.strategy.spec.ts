import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { TokenVerifier } from '@lekha/runtime';
import { JwtStrategy } from './jwt.strategy.js';
import type { RevocationList } from './revocation-list.js';

/** The gateway verifies with the services' TokenVerifier, then adds its own rules: a session, not revoked. */
describe('JwtStrategy.validate', () => {
  const es = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const verifier = new TokenVerifier(
    { key: async (kid) => (kid === 'k1' ? es.publicKey : null) },
    { issuer: 'lekha-identity', audience: 'lekha' },
  );
  const revoked = new Set<string>(['revoked-session']);
  const revocations = { isRevoked: async (sid: string) => revoked.has(sid) } as unknown as RevocationList;
  const strategy = Object.create(JwtStrategy.prototype) as JwtStrategy;
  Object.assign(strategy, { tokens: verifier, revocations });

  const token = (claims: Record<string, unknown>, { exp = true, kid = 'k1' } = {}) => {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid })
      .setSubject('user-1')
      .setIssuer('lekha-identity')
      .setAudience('lekha');
    return (exp ? jwt.setExpirationTime('10m') : jwt).sign(es.privateKey);
  };
  const validate = async (claims: Record<string, unknown>, opts?: { exp?: boolean; kid?: string }) =>
    strategy.validate(await token(claims, opts));

  it('accepts a tenant user with a tenant', async () => {
    expect(await validate({ tid: 'tenant-1', roles: ['owner'], sid: 'session-1' })).toEqual({
      userId: 'user-1',
      tenantId: 'tenant-1',
      roles: ['owner'],
      sessionId: 'session-1',
    });
  });

  it('accepts a platform user without a tenant (tid absent or null), and an API key with its scopes', async () => {
    expect(await validate({ roles: ['platform:compliance'], sid: 's' })).toMatchObject({
      tenantId: null,
      roles: ['platform:compliance'],
    });
    expect(await validate({ tid: null, roles: ['platform:admin', 'platform:support'], sid: 's' })).toMatchObject({
      tenantId: null,
    });
    expect(
      await validate({ tid: 'tenant-1', roles: [], sid: 's', act: 'api_key', scp: ['customers:read'] }),
    ).toMatchObject({ apiKeyScopes: ['customers:read'] });
  });

  it('refuses a token without a tenant unless it carries platform roles only', async () => {
    expect(await validate({ roles: ['owner'], sid: 's' })).toBe(false);
    expect(await validate({ tid: null, roles: ['platform:admin', 'admin'], sid: 's' })).toBe(false);
    expect(await validate({ roles: [], sid: 's' })).toBe(false);
  });

  it('security #19: refuses a token without an expiry (as every service does)', async () => {
    expect(await validate({ tid: 'tenant-1', roles: ['owner'], sid: 's' }, { exp: false })).toBe(false);
    expect(await validate({ roles: ['platform:admin'], sid: 's' }, { exp: false })).toBe(false);
  });

  it('refuses a malformed tenant, an unknown key, no session and a revoked session', async () => {
    expect(await validate({ tid: 42, roles: ['owner'], sid: 's' })).toBe(false);
    expect(await validate({ tid: 'tenant-1', roles: ['owner'], sid: 's' }, { kid: 'k2' })).toBe(false);
    expect(await validate({ tid: 'tenant-1', roles: ['owner'] })).toBe(false);
    expect(await validate({ tid: 'tenant-1', roles: ['owner'], sid: 'revoked-session' })).toBe(false);
    expect(await validate({ roles: ['platform:admin'], sid: 'revoked-session' })).toBe(false);
  });
});
