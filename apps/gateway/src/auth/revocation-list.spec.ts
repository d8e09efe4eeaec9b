import { RevocationList } from './revocation-list.js';
import type { BusClient } from '../bus/bus-client.js';

/**
 * A cancellation this gateway relayed is in force for its very next request, and a poll that identity
 * answered before it applied the change does not undo it; a later poll that agrees takes over.
 */
describe('RevocationList: tenant standing', () => {
  const T = '01a23290-0000-7000-8000-000000000001';
  let answers: { readOnlyTenantIds: string[]; beforeAnswer?: () => void }[];
  const bus = {
    invoke: async () => {
      const next = answers.shift() ?? { readOnlyTenantIds: [] };
      next.beforeAnswer?.();
      return { sessionIds: [], tenantIds: [], readOnlyTenantIds: next.readOnlyTenantIds, asOfMs: Date.now() };
    },
  } as unknown as BusClient;
  const tick = () => new Promise((r) => setTimeout(r, 2));
  const poll = (list: RevocationList) => (list as unknown as { sync(): Promise<void> }).sync();

  beforeEach(() => {
    answers = [];
  });

  it('a relayed cancellation holds at once and over a stale poll, until a later poll agrees', async () => {
    const list = new RevocationList(bus);
    answers.push({ readOnlyTenantIds: [] });
    expect(await list.isReadOnly(T)).toBe(false);

    // A poll already in flight when the cancellation is relayed answers without it.
    let relayed = false;
    answers.push({
      readOnlyTenantIds: [],
      beforeAnswer: () => {
        list.setReadOnly(T, true);
        relayed = true;
      },
    });
    await poll(list);
    expect(relayed).toBe(true);
    expect(await list.isReadOnly(T)).toBe(true);

    // The next poll began after it and agrees: the override is spent; identity's answer rules from now on.
    await tick();
    answers.push({ readOnlyTenantIds: [T] });
    await poll(list);
    expect(await list.isReadOnly(T)).toBe(true);
    answers.push({ readOnlyTenantIds: [] });
    await poll(list);
    expect(await list.isReadOnly(T)).toBe(false);
  });

  it('a relayed reactivation holds while identity has not yet applied it', async () => {
    const list = new RevocationList(bus);
    answers.push({ readOnlyTenantIds: [T] });
    expect(await list.isReadOnly(T)).toBe(true);
    await tick();
    list.setReadOnly(T, false);
    await tick();
    expect(await list.isReadOnly(T)).toBe(false);
    // Identity still lists it (the reactivation event is on its way): the relayed standing stands.
    answers.push({ readOnlyTenantIds: [T] });
    await poll(list);
    expect(await list.isReadOnly(T)).toBe(false);
    answers.push({ readOnlyTenantIds: [] });
    await poll(list);
    answers.push({ readOnlyTenantIds: [T] });
    await poll(list);
    expect(await list.isReadOnly(T)).toBe(true);
  });
});
