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
    h = await startCompliance({ RIGHTS_RELAY: 'off', RIGHTS_REPUBLISH_MS: '10000' });
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

  it('P23: a check that still finds personal data leaves the request in progress with its residue', async () => {
    const owner = h.tenantCaller(['owner']);
    const customerId = randomUUID();
    const { id, checks } = await erased(owner, customerId);
    for (const ask of checks)
      await answer(
        ask,
        ask.service === 'tenant-data'
          ? { holdings: [holding('customer profile', 'user.name')] }
          : ask.service === 'billing'
            ? { holdings: [holding('ledger account', 'user.financial')] }
            : {},
      );
    const view = await h.call(RightsOps.getRequest, { id }, owner);
    expect(view).toMatchObject({
      status: 'in_progress',
      completedAt: null,
      erasure: {
        phase: 'residue',
        residue: [{ service: 'tenant-data', what: 'customer profile', category: 'user.name', count: 1 }],
        certificateId: null,
      },
    });
    await expect(h.call(RightsOps.requestCertificate, { id }, owner)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      reason: 'PRIVACY_CERTIFICATE_NOT_READY',
      message: expect.stringContaining('still found personal data'),
    });
    await expect(h.call(RightsOps.completeRequest, { id, note: 'done' }, owner)).rejects.toMatchObject({
      reason: 'PRIVACY_REQUEST_COMPLETES_ITSELF',
    });
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
