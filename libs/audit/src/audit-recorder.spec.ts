import { anonymousContext, runWithContext } from '@lekha/tenancy';
import { AuditEventFactory } from './audit-recorder.js';

describe('AuditEventFactory', () => {
  it('fills actor, tenant and request IDs from the request context', () => {
    const ctx = anonymousContext({
      tenantId: '0195f0a0-0000-7000-8000-000000000001',
      actorId: 'u1',
      actorType: 'user',
      roles: ['owner'],
    });
    const event = runWithContext(ctx, () =>
      new AuditEventFactory('tenant-data').build({
        action: 'read',
        resource: { type: 'customer', id: 'c1' },
        subjectIds: ['c1'],
      }),
    );
    expect(event).toMatchObject({
      service: 'tenant-data',
      tenantId: ctx.tenantId,
      actor: { type: 'user', id: 'u1', roles: ['owner'] },
      outcome: 'allowed',
      requestId: ctx.requestId,
    });
  });

  it('refuses an event that breaks the schema', () => {
    expect(() => new AuditEventFactory('x').build({ action: 'read', resource: { type: '', id: null } })).toThrow();
  });
});

describe('chunksBySize', () => {
  it('keeps every request under the byte limit without splitting or losing a message', async () => {
    const { chunksBySize } = await import('./audit-relay.js');
    const messages = Array.from({ length: 2000 }, (_, i) => ({
      key: 't',
      value: Buffer.alloc(900, i % 256),
      headers: { 'lekha-sig': 'x'.repeat(86) },
    }));
    const chunks = chunksBySize(messages, 512 * 1024);
    expect(chunks.flat()).toEqual(messages);
    for (const c of chunks) expect(c.reduce((n, m) => n + m.value.length, 0)).toBeLessThanOrEqual(512 * 1024);
    expect(chunks.length).toBeGreaterThan(3);
  });
});
