import { contextFromHeaders, contextToHeaders } from './header-codec.js';
import { anonymousContext, currentContext, runWithContext } from './request-context.js';
import { hasPermission } from './roles.js';

describe('tenancy', () => {
  it('carries the context through Kafka headers', () => {
    const ctx = anonymousContext({
      tenantId: '0195f0a0-0000-7000-8000-000000000001',
      actorId: 'u1',
      actorType: 'user',
      roles: ['owner', 'admin'],
    });
    const headers = Object.fromEntries(Object.entries(contextToHeaders(ctx)).map(([k, v]) => [k, Buffer.from(v)]));
    expect(contextFromHeaders(headers)).toMatchObject({
      tenantId: ctx.tenantId,
      actorId: 'u1',
      actorType: 'user',
      roles: ['owner', 'admin'],
      requestId: ctx.requestId,
    });
  });

  it('treats missing or unknown actor types as anonymous', () => {
    expect(contextFromHeaders({ 'x-lekha-actor-type': 'root' }).actorType).toBe('anonymous');
    expect(contextFromHeaders(undefined).tenantId).toBeNull();
  });

  it('keeps contexts of concurrent requests apart', async () => {
    const seen: (string | null | undefined)[] = [];
    await Promise.all(
      ['a', 'b'].map((id) =>
        runWithContext(anonymousContext({ actorId: id }), async () => {
          await new Promise((r) => setTimeout(r, id === 'a' ? 20 : 1));
          seen.push(currentContext()?.actorId);
        }),
      ),
    );
    expect(seen.sort()).toEqual(['a', 'b']);
  });

  it('grants permissions by role only', () => {
    expect(hasPermission(['viewer'], 'customers:read')).toBe(true);
    expect(hasPermission(['viewer'], 'customers:write')).toBe(false);
    expect(hasPermission(['platform:compliance'], 'customers:read')).toBe(false);
    expect(hasPermission(['platform:compliance'], 'audit:read:platform')).toBe(true);
    expect(hasPermission(['nonsense'], 'customers:read')).toBe(false);
  });
});
