import { contextFromHeaders, contextToHeaders } from './header-codec.js';
import { anonymousContext } from './request-context.js';
import { contextHasPermission } from './roles.js';

describe('API key scopes', () => {
  it('a person needs only the role', () => {
    expect(contextHasPermission({ roles: ['viewer'], actorType: 'user' }, 'customers:read')).toBe(true);
    expect(contextHasPermission({ roles: ['viewer'], actorType: 'user' }, 'customers:write')).toBe(false);
  });

  it('a key needs the scope and the creator’s role', () => {
    const key = { roles: ['owner'], actorType: 'api_key', scopes: ['customers:read'] };
    expect(contextHasPermission(key, 'customers:read')).toBe(true);
    expect(contextHasPermission(key, 'customers:write')).toBe(false);
    expect(contextHasPermission({ ...key, roles: ['viewer'], scopes: ['customers:write'] }, 'customers:write')).toBe(
      false,
    );
    expect(contextHasPermission({ roles: ['owner'], actorType: 'api_key' }, 'customers:read')).toBe(false);
  });

  it('scopes travel in the headers, and a key without them may do nothing', () => {
    const ctx = anonymousContext({
      tenantId: '0199a000-0000-7000-8000-000000000001',
      actorId: 'k',
      actorType: 'api_key',
      roles: ['owner'],
      scopes: ['customers:read', 'records:read'],
    });
    expect(contextFromHeaders(contextToHeaders(ctx)).scopes).toEqual(['customers:read', 'records:read']);
    const stripped = contextToHeaders({ ...ctx, scopes: undefined });
    const back = contextFromHeaders(stripped);
    expect(back.scopes).toEqual([]);
    expect(contextHasPermission(back, 'customers:read')).toBe(false);
    expect(
      contextFromHeaders(contextToHeaders(anonymousContext({ actorType: 'user', roles: ['owner'] }))).scopes,
    ).toBeUndefined();
  });
});
