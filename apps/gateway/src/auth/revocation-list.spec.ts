import type { ReadOnlyTenant } from '@lekha/contracts';
import { RevocationList } from './revocation-list.js';
import type { BusClient } from '../bus/bus-client.js';

/**
 * A cancellation this gateway relayed is in force for its very next request, and a poll that identity
 * answered before it applied the change does not undo it; a later poll that agrees takes over. Billing's
 * restriction reaches the gateway by the poll only.
 */
describe('RevocationList: tenant standing', () => {
  const T = '01a23290-0000-7000-8000-000000000001';
  let answers: { readOnlyTenants: ReadOnlyTenant[]; beforeAnswer?: () => void }[];
  const bus = {
    invoke: async () => {
      const next = answers.shift() ?? { readOnlyTenants: [] };
      next.beforeAnswer?.();
      return { sessionIds: [], tenantIds: [], readOnlyTenants: next.readOnlyTenants, asOfMs: Date.now() };
    },
  } as unknown as BusClient;
  const cancelled = [{ tenantId: T, reason: 'cancelled' as const }];
  const restricted = [{ tenantId: T, reason: 'restricted' as const }];
  const tick = () => new Promise((r) => setTimeout(r, 2));
  const poll = (list: RevocationList) => (list as unknown as { sync(): Promise<void> }).sync();

  beforeEach(() => {
    answers = [];
  });

  it('a relayed cancellation holds at once and over a stale poll, until a later poll agrees', async () => {
    const list = new RevocationList(bus);
    answers.push({ readOnlyTenants: [] });
    expect(await list.standing(T)).toBe('active');

    // A poll already in flight when the cancellation is relayed answers without it.
    let relayed = false;
    answers.push({
      readOnlyTenants: [],
      beforeAnswer: () => {
        list.setCancelled(T, true);
        relayed = true;
      },
    });
    await poll(list);
    expect(relayed).toBe(true);
    expect(await list.standing(T)).toBe('cancelled');

    // The next poll began after it and agrees: the override is spent; identity's answer rules from now on.
    await tick();
    answers.push({ readOnlyTenants: cancelled });
    await poll(list);
    expect(await list.standing(T)).toBe('cancelled');
    answers.push({ readOnlyTenants: [] });
    await poll(list);
    expect(await list.standing(T)).toBe('active');
  });

  it('a relayed reactivation holds while identity has not yet applied it', async () => {
    const list = new RevocationList(bus);
    answers.push({ readOnlyTenants: cancelled });
    expect(await list.standing(T)).toBe('cancelled');
    await tick();
    list.setCancelled(T, false);
    await tick();
    expect(await list.standing(T)).toBe('active');
    // Identity still lists it (the reactivation event is on its way): the relayed standing stands.
    answers.push({ readOnlyTenants: cancelled });
    await poll(list);
    expect(await list.standing(T)).toBe('active');
    answers.push({ readOnlyTenants: [] });
    await poll(list);
    answers.push({ readOnlyTenants: cancelled });
    await poll(list);
    expect(await list.standing(T)).toBe('cancelled');
  });

  it('a restriction comes by the poll; a relayed cancellation outweighs it, a reactivation uncovers it', async () => {
    const list = new RevocationList(bus);
    answers.push({ readOnlyTenants: restricted });
    expect(await list.standing(T)).toBe('restricted');
    await tick();
    list.setCancelled(T, true);
    expect(await list.standing(T)).toBe('cancelled');
    // Identity lists the tenant, both cancelled and restricted, as cancelled: the poll agrees.
    await tick();
    answers.push({ readOnlyTenants: cancelled });
    await poll(list);
    expect(await list.standing(T)).toBe('cancelled');
    // Reactivated: writable at once for the cancellation; identity's next answer shows the restriction again.
    await tick();
    list.setCancelled(T, false);
    expect(await list.standing(T)).toBe('active');
    await tick();
    answers.push({ readOnlyTenants: restricted });
    await poll(list);
    expect(await list.standing(T)).toBe('restricted');
    // Paid: identity lists it no more.
    answers.push({ readOnlyTenants: [] });
    await poll(list);
    expect(await list.standing(T)).toBe('active');
  });
});
