import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  RightsOps,
  uuidv7,
  verifyDeletionCertificate,
  type RightsEvent,
  type RightsPart,
  type RightsPartRequestedEvent,
  type RightsService,
} from '@lekha/contracts';
import { RightsEvents } from '@lekha/runtime';
import { Database } from '@lekha/persistence';
import type { Caller, UseCaseHarness } from '@lekha/use-case-testing';
import { RightsClock } from '../src/rights/rights-clock.js';
import { RightsRelay } from '../src/rights/rights-relay.js';
import { startCompliance } from './compliance-harness.js';

const T0 = new Date('2026-12-01T04:30:00.000Z');
const GST = 'GST records are kept 72 months';

/**
 * Erasure requests in compliance, the services played by the test: the relay asks each to erase, then
 * runs an access check under the same request; a holding the check finds that no service retained is a
 * residue (in progress, no certificate); an empty check completes the request with a signed certificate.
 */
describe('erasure requests (use cases on a real database)', () => {
  let h: UseCaseHarness;
  let published: RightsEvent[];

  beforeAll(async () => {
    h = await startCompliance({
      RIGHTS_RELAY: 'off',
      RIGHTS_REPUBLISH_MS: '10000',
      RIGHTS_ERASURE_RETRIES: '2',
      RIGHTS_ERASURE_RETRY_BACKOFF_MS: '60000',
    });
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => {
    jest.spyOn(h.get(RightsClock), 'now').mockImplementation(() => T0);
    published = [];
    jest.spyOn(h.get(RightsEvents), 'publish').mockImplementation(async (...events) => {
      published.push(...events);
    });
  });
  afterEach(() => jest.restoreAllMocks());

  const relay = async (): Promise<RightsPartRequestedEvent[]> => {
    published = [];
    for (let round = 0; round < 50 && (await h.get(RightsRelay).runOnce()) > 0; round++);
    return published.filter((e): e is RightsPartRequestedEvent => e.type === 'rights.part.requested');
  };

  const answer = (ask: RightsPartRequestedEvent, part: Partial<RightsPart> = {}) =>
    h.get(RightsRelay).answered({
      type: 'rights.part.answered',
      eventId: uuidv7(),
      tenantId: ask.tenantId,
      requestId: ask.requestId,
      service: ask.service as RightsService,
      kind: ask.kind,
      partSealed: h.get(RightsEvents).sealPart(ask.tenantId, ask.requestId, {
        service: ask.service,
        holdings: [],
        sharedWith: [],
        activities: [],
        ...part,
      }),
      answeredAt: T0.toISOString(),
    });

  const holding = (what: string, category: 'user.name' | 'user.financial' | 'user.notes') => ({
    what,
    category,
    purpose: 'p',
    since: null,
    count: 1,
    items: [{ id: 'x' }],
  });

  /** Files an erasure and plays the services' erasure round (billing keeps its ledger for GST). */
  async function erased(caller: Caller, customerId: string) {
    const filed = await h.call(RightsOps.fileRequest, { kind: 'erasure', customerId }, caller);
    expect(filed).toMatchObject({ kind: 'erasure', status: 'in_progress', erasure: { phase: 'erasing' } });
    const asks = await relay();
    expect(asks.map((a) => [a.service, a.kind]).sort()).toEqual(
      ['billing', 'compliance', 'identity', 'notifications', 'tenant-data'].map((s) => [s, 'erasure']),
    );
    for (const ask of asks)
      await answer(ask, {
        erasure: {
          erased: ask.service === 'tenant-data' ? [{ what: 'customer profile', category: 'user.name', count: 1 }] : [],
          retained:
            ask.service === 'billing'
              ? [{ what: 'ledger account', category: 'user.financial', until: '2032-12-01T00:00:00.000Z', reason: GST }]
              : ask.service === 'compliance'
                ? [{ what: 'rights request', category: 'user.notes', until: null, reason: 'accountability' }]
                : [],
        },
      });
    const view = await h.call(RightsOps.getRequest, { id: filed.id }, caller);
    expect(view).toMatchObject({ status: 'in_progress', erasure: { phase: 'checking' } });
    const checks = await relay();
    expect(checks.map((a) => [a.service, a.kind]).sort()).toEqual(
      ['billing', 'compliance', 'identity', 'notifications', 'tenant-data'].map((s) => [s, 'access']),
    );
    // A late repeat of an erasure answer is not taken for the check's.
    await answer({ ...checks[0]!, kind: 'erasure' });
    expect((await h.call(RightsOps.getRequest, { id: filed.id }, caller)).erasure).toMatchObject({ phase: 'checking' });
    return { id: filed.id, checks };
  }

  const at = (ms: number) =>
    jest.spyOn(h.get(RightsClock), 'now').mockImplementation(() => new Date(T0.getTime() + ms));
  const asked = (events: RightsPartRequestedEvent[]) => events.map((a) => [a.service, a.kind]);
  /** The check's answers: tenant-data still holds the profile; billing's ledger is retained. */
  const leftover = (ask: RightsPartRequestedEvent) =>
    ask.service === 'tenant-data'
      ? { holdings: [holding('customer profile', 'user.name')] }
      : ask.service === 'billing'
        ? { holdings: [holding('ledger account', 'user.financial')] }
        : {};
  const reasons = async (id: string) =>
    (
      await h.app
        .get(Database)
        .em()
        .execute<{ reason: string | null }[]>(
          `select payload->>'reason' as reason from compliance.audit_outbox
             where payload->'resource'->>'id' = ? order by id`,
          [id],
        )
    ).map((r) => r.reason);

  it('P23: a residue is ordered again from its service after a back-off; past the last retry it stays', async () => {
    const owner = h.tenantCaller(['owner']);
    const customerId = randomUUID();
    const { id, checks } = await erased(owner, customerId);
    for (const ask of checks) await answer(ask, leftover(ask));
    const residue = [{ service: 'tenant-data', what: 'customer profile', category: 'user.name', count: 1 }];
    expect(await h.call(RightsOps.getRequest, { id }, owner)).toMatchObject({
      status: 'in_progress',
      erasure: { phase: 'erasing', retries: 1, residue, certificateId: null },
    });
    // Nothing is asked before the back-off; then only tenant-data, to erase, and once it has, to check.
    expect(await relay()).toEqual([]);
    at(60_000);
    const again = await relay();
    expect(asked(again)).toEqual([['tenant-data', 'erasure']]);
    await answer(again[0]!, { erasure: { erased: [], retained: [] } });
    const recheck = await relay();
    expect(asked(recheck)).toEqual([['tenant-data', 'access']]);
    await answer(recheck[0]!, leftover(recheck[0]!));
    expect((await h.call(RightsOps.getRequest, { id }, owner)).erasure).toMatchObject({ phase: 'erasing', retries: 2 });
    // The second back-off is twice the first.
    at(60_000 + 60_000);
    expect(await relay()).toEqual([]);
    at(60_000 + 120_000);
    const last = await relay();
    expect(asked(last)).toEqual([['tenant-data', 'erasure']]);
    await answer(last[0]!, { erasure: { erased: [], retained: [] } });
    const lastCheck = await relay();
    await answer(lastCheck[0]!, leftover(lastCheck[0]!));

    // Past the last retry: in progress, the residue visible, no certificate; each step audited.
    const view = await h.call(RightsOps.getRequest, { id }, owner);
    expect(view).toMatchObject({
      status: 'in_progress',
      completedAt: null,
      erasure: { phase: 'residue', retries: 2, residue, certificateId: null },
    });
    expect(await reasons(id)).toEqual(
      expect.arrayContaining([
        'erasure_residue_retry_1_of_2',
        'erasure_residue_retry_2_of_2',
        'erasure_residue_after_2_retries',
      ]),
    );
    at(10 * 3600_000);
    expect(await relay()).toEqual([]);
    await expect(h.call(RightsOps.requestCertificate, { id }, owner)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      reason: 'PRIVACY_CERTIFICATE_NOT_READY',
      message: expect.stringContaining('still found personal data'),
    });
    await expect(h.call(RightsOps.completeRequest, { id, note: 'done' }, owner)).rejects.toMatchObject({
      reason: 'PRIVACY_REQUEST_COMPLETES_ITSELF',
    });
  });

  it('P23: a retry that clears the residue completes the request; the certificate counts both erasures', async () => {
    const owner = h.tenantCaller(['owner']);
    const customerId = randomUUID();
    const { id, checks } = await erased(owner, customerId);
    for (const ask of checks) await answer(ask, leftover(ask));
    at(60_000);
    const again = await relay();
    expect(asked(again)).toEqual([['tenant-data', 'erasure']]);
    await answer(again[0]!, {
      erasure: { erased: [{ what: 'customer profile', category: 'user.name', count: 1 }], retained: [] },
    });
    const recheck = await relay();
    await answer(recheck[0]!);
    const view = await h.call(RightsOps.getRequest, { id }, owner);
    expect(view).toMatchObject({
      status: 'completed',
      erasure: { phase: 'completed', retries: 1, residue: [], certificateId: expect.any(String) },
    });
    const certificate = await h.call(RightsOps.requestCertificate, { id }, owner);
    expect(certificate.services.find((s) => s.service === 'tenant-data')!.erased).toEqual([
      'user.name: customer profile (2)',
    ]);
    expect(verifyDeletionCertificate(certificate)).toMatchObject({ valid: true });
  });

  it('P23: an empty check (retained items aside) completes the request with a signed certificate', async () => {
    const owner = h.tenantCaller(['owner']);
    const customerId = randomUUID();
    const { id, checks } = await erased(owner, customerId);
    for (const ask of checks)
      await answer(
        ask,
        ask.service === 'billing'
          ? { holdings: [holding('ledger account', 'user.financial')] }
          : ask.service === 'compliance'
            ? { holdings: [holding('rights request', 'user.notes')] }
            : {},
      );
    const view = await h.call(RightsOps.getRequest, { id }, owner);
    expect(view).toMatchObject({
      status: 'completed',
      completedAt: T0.toISOString(),
      erasure: { phase: 'completed', residue: [], certificateId: expect.any(String) },
    });
    const caller = h.callerIn(owner.tenantId, ['owner']);
    const certificate = await h.call(RightsOps.requestCertificate, { id }, caller);
    expect(certificate).toMatchObject({
      id: view.erasure!.certificateId,
      subject: { kind: 'principal', tenantId: owner.tenantId, customerId },
      basis: 'principal_request',
      completedAt: T0.toISOString(),
    });
    expect(certificate.services.find((s) => s.service === 'tenant-data')!.erased).toEqual([
      'user.name: customer profile (1)',
    ]);
    expect(certificate.retained).toEqual(
      expect.arrayContaining([
        { category: 'user.financial (billing: ledger account)', until: '2032-12-01T00:00:00.000Z', reason: GST },
      ]),
    );
    expect(verifyDeletionCertificate(certificate)).toMatchObject({ valid: true });
    expect(verifyDeletionCertificate({ ...certificate, retained: [] })).toMatchObject({ valid: false });
    expect(await h.auditRecords(caller.ctx.requestId)).toEqual([
      expect.objectContaining({ resource: { type: 'deletion_certificate', id: certificate.id } }),
    ]);
    // Another tenant: a 404, audited as denied.
    const other = h.callerIn(h.tenantCaller(['owner']).tenantId, ['owner']);
    await expect(h.call(RightsOps.requestCertificate, { id }, other)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      reason: 'PRIVACY_REQUEST_NOT_FOUND',
    });
    expect(await h.auditRecords(other.ctx.requestId)).toEqual([expect.objectContaining({ outcome: 'denied' })]);
  });
});
