import { anonymousContext, runWithContext } from '@lekha/tenancy';
import { AuditEventFactory } from './audit-recorder.js';
import { generateNetworkKeyPair, openNetwork, sealNetwork } from './network-seal.js';

describe('sealed network details', () => {
  const tenantKey = generateNetworkKeyPair();
  const info = { ip: '203.0.113.7', userAgent: 'Mozilla/5.0 (Linux; Android 14) LekhaApp/3.2' };

  it('open only with the recipient’s private key and carry no plaintext', () => {
    const box = sealNetwork(tenantKey.publicKey, tenantKey.kid, info);
    expect(box.kid).toBe(tenantKey.kid);
    const raw = Buffer.from(box.sealed, 'base64url').toString('latin1');
    expect(raw).not.toContain('203.0.113.7');
    expect(raw).not.toContain('LekhaApp');
    expect(openNetwork(tenantKey.privateKey, box)).toEqual(info);
    expect(openNetwork(generateNetworkKeyPair().privateKey, box)).toBeNull();
    expect(sealNetwork(tenantKey.publicKey, tenantKey.kid, info).sealed).not.toBe(box.sealed);
  });

  it('refuse a modified box or one relabelled with another key id', () => {
    const box = sealNetwork(tenantKey.publicKey, tenantKey.kid, info);
    const bytes = Buffer.from(box.sealed, 'base64url');
    bytes[bytes.length - 1]! ^= 1;
    expect(openNetwork(tenantKey.privateKey, { kid: box.kid, sealed: bytes.toString('base64url') })).toBeNull();
    expect(openNetwork(tenantKey.privateKey, { kid: 'another-key-id', sealed: box.sealed })).toBeNull();
  });

  it('reach the event only sealed, from the request context', () => {
    const auditNetwork = sealNetwork(tenantKey.publicKey, tenantKey.kid, info);
    const ctx = anonymousContext({
      tenantId: '0195f0a0-0000-7000-8000-000000000001',
      actorType: 'user',
      actorId: 'u1',
      ip: info.ip,
      userAgent: info.userAgent,
      auditNetwork,
    });
    const event = runWithContext(ctx, () =>
      new AuditEventFactory('tenant-data').build({ action: 'read', resource: { type: 'customer', id: 'c1' } }),
    );
    expect(event.actor.network).toEqual(auditNetwork);
    expect(JSON.stringify(event)).not.toMatch(/203\.0\.113\.7|LekhaApp/);
    const without = runWithContext(anonymousContext({ ip: info.ip, userAgent: info.userAgent }), () =>
      new AuditEventFactory('gateway').build({ action: 'login_failed', resource: { type: 'session', id: null } }),
    );
    expect(without.actor).not.toHaveProperty('network');
    expect(JSON.stringify(without)).not.toMatch(/203\.0\.113\.7|LekhaApp/);
  });
});
