import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { TokenVerificationError, TokenVerifier } from './token-verifier.js';

describe('TokenVerifier', () => {
  const es = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keys = new Map<string, KeyObject>([['k1', es.publicKey]]);
  const asked: string[] = [];
  const verifier = new TokenVerifier(
    {
      key: async (kid) => {
        asked.push(kid);
        return keys.get(kid) ?? null;
      },
    },
    { issuer: 'lekha-identity', audience: 'lekha' },
  );

  const token = (
    claims: Record<string, unknown>,
    opts: {
      kid?: string;
      key?: KeyObject;
      iss?: string;
      aud?: string;
      exp?: string | number;
      nbf?: string | number;
    } = {},
  ) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: opts.kid ?? 'k1' })
      .setSubject('user-1')
      .setIssuer(opts.iss ?? 'lekha-identity')
      .setAudience(opts.aud ?? 'lekha')
      .setIssuedAt()
      .setNotBefore(opts.nbf ?? '0s')
      .setExpirationTime(opts.exp ?? '15m')
      .sign(opts.key ?? es.privateKey);

  it('returns the caller from the claims', async () => {
    expect(await verifier.verify(await token({ tid: 't-1', roles: ['owner'], sid: 's-1' }))).toEqual({
      tenantId: 't-1',
      actorId: 'user-1',
      actorType: 'user',
      roles: ['owner'],
      sessionId: 's-1',
    });
  });

  it('accepts a platform user without a tenant, and API keys with their scopes', async () => {
    expect(await verifier.verify(await token({ roles: ['platform:compliance'], sid: 's' }))).toMatchObject({
      tenantId: null,
      roles: ['platform:compliance'],
    });
    expect(await verifier.verify(await token({ tid: null, roles: ['platform:admin'], sid: 's' }))).toMatchObject({
      tenantId: null,
    });
    expect(
      await verifier.verify(await token({ tid: 't-1', roles: [], act: 'api_key', scp: ['customers:read'] })),
    ).toMatchObject({ actorType: 'api_key', scopes: ['customers:read'] });
    expect(await verifier.verify(await token({ tid: 't-1', roles: [], act: 'api_key' }))).toMatchObject({
      actorType: 'api_key',
      scopes: [],
    });
  });

  it('remembers a verified token without asking for its key again', async () => {
    const t = await token({ tid: 't-9', roles: ['staff'], sid: 's' });
    const before = asked.length;
    const first = await verifier.verify(t);
    first.roles.push('owner');
    expect(await verifier.verify(t)).toMatchObject({ tenantId: 't-9', roles: ['staff'] });
    expect(asked.length).toBe(before + 1);
  });

  it('refuses tenant roles without a tenant and actor types a token may not name', async () => {
    await expect(verifier.verify(await token({ roles: ['owner'], sid: 's' }))).rejects.toThrow('platform roles only');
    await expect(verifier.verify(await token({ tid: 't', roles: [], act: 'service' }))).rejects.toThrow(
      TokenVerificationError,
    );
  });

  it('refuses expired, not yet valid, wrong issuer or audience, forged and unknown-key tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { tid: 't-1', roles: ['owner'], sid: 's' };
    await expect(verifier.verify(await token(claims, { exp: now - 60 }))).rejects.toThrow('expired');
    await expect(verifier.verify(await token(claims, { nbf: now + 600 }))).rejects.toThrow(TokenVerificationError);
    await expect(verifier.verify(await token(claims, { iss: 'evil' }))).rejects.toThrow(TokenVerificationError);
    await expect(verifier.verify(await token(claims, { aud: 'other' }))).rejects.toThrow(TokenVerificationError);
    await expect(verifier.verify(await token(claims, { key: other.privateKey }))).rejects.toThrow(
      TokenVerificationError,
    );
    await expect(verifier.verify(await token(claims, { kid: 'k-unknown' }))).rejects.toThrow('unknown key');
    expect(asked).toContain('k-unknown');
  });

  it('refuses alg none and HS256 signed with the public key (algorithm confusion)', async () => {
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const body = b64({
      sub: 'user-1',
      tid: 't-1',
      roles: ['owner'],
      iss: 'lekha-identity',
      aud: 'lekha',
      exp: Math.floor(Date.now() / 1000) + 600,
    });
    await expect(verifier.verify(`${b64({ alg: 'none', kid: 'k1' })}.${body}.`)).rejects.toThrow(
      TokenVerificationError,
    );
    const pem = es.publicKey.export({ format: 'pem', type: 'spki' });
    const hs = await new SignJWT({ tid: 't-1', roles: ['owner'] })
      .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
      .setSubject('user-1')
      .setIssuer('lekha-identity')
      .setAudience('lekha')
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(String(pem)));
    await expect(verifier.verify(hs)).rejects.toThrow(TokenVerificationError);
    await expect(verifier.verify('not-a-jwt')).rejects.toThrow(TokenVerificationError);
  });
});
