import { jest } from '@jest/globals';
import { createPublicKey, randomUUID, verify } from 'node:crypto';
import { AuditEventFactory, AuditSigner } from '@lekha/audit';
import { DomainError, SupportOps, supportGrantCanonical, supportScopePermissions } from '@lekha/contracts';
import { Database } from '@lekha/persistence';
import { anonymousContext, runWithContext, type RequestContext } from '@lekha/tenancy';
import type { Caller, UseCaseHarness } from '@lekha/use-case-testing';
import { AuditIndexRepository } from '../src/audit-index/audit-index.repository.js';
import { ComplianceTenantEraser } from '../src/erasure/compliance-tenant-eraser.js';
import { NoticeMessenger, type OutgoingNotice } from '../src/notices/notice-messenger.js';
import { RegisterNotices } from '../src/registers/register-notices.js';
import { RegistersClock } from '../src/registers/registers-clock.js';
import { SupportClock } from '../src/support/support-clock.js';
import { startCompliance } from './compliance-harness.js';

const T0 = new Date('2026-12-01T04:30:00.000Z');
const hoursAfter = (h: number) => new Date(T0.getTime() + h * 3600_000);

/** A platform support engineer (no tenant in their token). */
const supportUser = (actorId = randomUUID()): RequestContext =>
  anonymousContext({ actorId, actorType: 'user', roles: ['platform:support'] });

const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    if (err instanceof DomainError) return { code: err.code, reason: err.reason, details: err.details };
    throw err;
  }
  throw new Error('expected a refusal');
};

describe('support access grants (use cases on a real database)', () => {
  let h: UseCaseHarness;
  let now: Date;
  let sent: OutgoingNotice[];

  beforeAll(async () => {
    // Notices are handed over by the request itself (and by hand here): no background round.
    h = await startCompliance({ REGISTER_NOTICES: 'off' });
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => {
    now = T0;
    sent = [];
    jest.spyOn(h.get(SupportClock), 'now').mockImplementation(() => now);
    jest.spyOn(h.app.get(NoticeMessenger), 'send').mockImplementation(async (n) => {
      sent.push(n);
    });
  });
  afterEach(() => jest.restoreAllMocks());

  const ask = (tenantId: string, engineer: RequestContext, over: Record<string, unknown> = {}) =>
    h.call(
      SupportOps.requestAccess,
      {
        tenantId,
        reason: 'ticket 4411: invoices do not show',
        scope: { access: 'read', features: ['customers'] },
        hours: 4,
        ...over,
      },
      engineer,
    );

  it('refuses a bad request naming its fields (hours over 72, unknown scope, short reason)', async () => {
    const r = await refusal(
      ask(randomUUID(), supportUser(), { hours: 100, scope: { access: 'all', features: ['x'] }, reason: 'x' }),
    );
    expect(r.code).toBe('VALIDATION_FAILED');
    const paths = (r.details as { path: string }[]).map((d) => d.path).sort();
    expect(paths).toEqual(['hours', 'reason', 'scope.access', 'scope.features.0']);
  });

  it('P40: request → owner sees it → approves: a grant until approval + hours, signed by compliance', async () => {
    const owner = h.tenantCaller(['owner']);
    const engineer = supportUser();
    const asked = await ask(owner.tenantId, engineer);
    expect(asked).toMatchObject({ status: 'pending', requestedBy: engineer.actorId, signature: null, hours: 4 });
    const [askedRecord] = await h.auditRecords(engineer.requestId);
    expect(askedRecord).toMatchObject({
      tenantId: owner.tenantId,
      action: 'support_access',
      resource: { type: 'support_request', id: asked.id },
    });

    const list = await h.call(SupportOps.listRequests, {}, owner);
    expect(list.items.map((i) => [i.id, i.status])).toEqual([[asked.id, 'pending']]);

    now = hoursAfter(1);
    const approved = await h.call(SupportOps.approve, { id: asked.id }, owner);
    expect(approved).toMatchObject({
      status: 'approved',
      decidedBy: owner.actorId,
      approvedAt: hoursAfter(1).toISOString(),
      expiresAt: hoursAfter(5).toISOString(),
    });
    const signer = h.get(AuditSigner);
    expect(approved.signature).toMatchObject({ alg: 'Ed25519', keyId: signer.keyId });
    const bytes = Buffer.from(
      supportGrantCanonical({
        id: approved.id,
        tenantId: approved.tenantId,
        requestedBy: approved.requestedBy,
        reason: approved.reason,
        scope: approved.scope,
        approvedBy: approved.decidedBy!,
        approvedAt: approved.approvedAt!,
        expiresAt: approved.expiresAt!,
      }),
    );
    const pub = createPublicKey(signer.publicKeyPem());
    expect(verify(null, bytes, pub, Buffer.from(approved.signature!.value, 'base64url'))).toBe(true);
    // Any change to the terms breaks the signature.
    const longer = Buffer.from(bytes.toString().replace(hoursAfter(5).toISOString(), hoursAfter(50).toISOString()));
    expect(verify(null, longer, pub, Buffer.from(approved.signature!.value, 'base64url'))).toBe(false);

    // Decided once: neither a second approval nor a denial.
    expect(await refusal(h.call(SupportOps.approve, { id: asked.id }, owner))).toMatchObject({
      code: 'CONFLICT',
      reason: 'SUPPORT_REQUEST_DECIDED',
    });
    expect(await refusal(h.call(SupportOps.deny, { id: asked.id }, owner))).toMatchObject({
      reason: 'SUPPORT_REQUEST_DECIDED',
    });

    // The requester takes the grant for a token; another support engineer may not.
    const forToken = await h.call(SupportOps.grantForToken, { id: asked.id }, engineer);
    expect(forToken).toEqual({
      id: asked.id,
      tenantId: owner.tenantId,
      requestedBy: engineer.actorId,
      scope: { access: 'read', features: ['customers'] },
      expiresAt: hoursAfter(5).toISOString(),
    });
    expect(supportScopePermissions(forToken.scope)).not.toContain('customers:write');
    const other = supportUser();
    expect(await refusal(h.call(SupportOps.grantForToken, { id: asked.id }, other))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'SUPPORT_NOT_REQUESTER',
    });
    const [denied] = await h.auditRecords(other.requestId);
    expect(denied).toMatchObject({ outcome: 'denied', reason: 'not_requester', tenantId: owner.tenantId });
  });

  it('P40: expiry is judged at read by the clock (no job): expired grant is inactive, gives no token', async () => {
    const owner = h.tenantCaller(['admin']);
    const engineer = supportUser();
    const asked = await ask(owner.tenantId, engineer, { hours: 2 });
    await h.call(SupportOps.approve, { id: asked.id }, owner);
    expect(await h.call(SupportOps.grantStatus, { id: asked.id }, anonymousContext())).toEqual({
      active: true,
      status: 'approved',
      tenantId: owner.tenantId,
    });
    now = new Date(hoursAfter(2).getTime() - 1);
    expect((await h.call(SupportOps.grantStatus, { id: asked.id }, anonymousContext())).active).toBe(true);
    now = hoursAfter(2);
    expect(await h.call(SupportOps.grantStatus, { id: asked.id }, anonymousContext())).toMatchObject({
      active: false,
      status: 'expired',
    });
    expect((await h.call(SupportOps.listRequests, {}, owner)).items[0]).toMatchObject({ status: 'expired' });
    expect(await refusal(h.call(SupportOps.grantForToken, { id: asked.id }, engineer))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'SUPPORT_GRANT_ENDED',
    });
    expect(await refusal(h.call(SupportOps.revoke, { id: asked.id }, owner))).toMatchObject({
      code: 'CONFLICT',
      reason: 'SUPPORT_GRANT_NOT_ACTIVE',
    });
  });

  it('P40: the tenant revokes at once; deny leaves no grant', async () => {
    const owner = h.tenantCaller(['owner']);
    const engineer = supportUser();
    const a = await ask(owner.tenantId, engineer);
    await h.call(SupportOps.approve, { id: a.id }, owner);
    now = hoursAfter(1);
    const revoked = await h.call(SupportOps.revoke, { id: a.id }, owner);
    expect(revoked).toMatchObject({ status: 'revoked', revokedBy: owner.actorId, revokedAt: now.toISOString() });
    expect(await h.call(SupportOps.grantStatus, { id: a.id }, anonymousContext())).toMatchObject({
      active: false,
      status: 'revoked',
    });
    expect(await refusal(h.call(SupportOps.grantForToken, { id: a.id }, engineer))).toMatchObject({
      reason: 'SUPPORT_GRANT_ENDED',
    });
    expect(await refusal(h.call(SupportOps.revoke, { id: a.id }, owner))).toMatchObject({
      reason: 'SUPPORT_GRANT_NOT_ACTIVE',
    });

    const b = await ask(owner.tenantId, engineer);
    expect(await h.call(SupportOps.deny, { id: b.id, note: 'not now' }, owner)).toMatchObject({
      status: 'denied',
      signature: null,
      expiresAt: null,
    });
    expect(await refusal(h.call(SupportOps.approve, { id: b.id }, owner))).toMatchObject({
      reason: 'SUPPORT_REQUEST_DECIDED',
    });
    expect(await refusal(h.call(SupportOps.grantForToken, { id: b.id }, engineer))).toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await h.call(SupportOps.grantStatus, { id: b.id }, anonymousContext())).active).toBe(false);
  });

  it('P40: support never approves; staff may not; another tenant gets a 404 audited as denied', async () => {
    const owner = h.tenantCaller(['owner']);
    const engineer = supportUser();
    const a = await ask(owner.tenantId, engineer);
    // The engineer's own platform token: no tenant, no tenant permission.
    expect(await refusal(h.call(SupportOps.approve, { id: a.id }, engineer))).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'ACCESS_PERMISSION_MISSING',
    });
    // A grant's token inside the tenant: only its scope's permissions, never support:grants:manage.
    const grantToken = anonymousContext({
      tenantId: owner.tenantId,
      actorId: engineer.actorId,
      actorType: 'support',
      roles: ['platform:support'],
      scopes: supportScopePermissions({ access: 'read-write', features: ['customers', 'privacy'] }),
      grantId: randomUUID(),
    });
    expect(await refusal(h.call(SupportOps.approve, { id: a.id }, grantToken))).toMatchObject({
      reason: 'ACCESS_PERMISSION_MISSING',
    });
    expect(
      await refusal(h.call(SupportOps.approve, { id: a.id }, h.callerIn(owner.tenantId, ['staff']))),
    ).toMatchObject({
      reason: 'ACCESS_PERMISSION_MISSING',
    });
    const stranger: Caller = h.tenantCaller(['owner']);
    expect(await refusal(h.call(SupportOps.approve, { id: a.id }, stranger))).toMatchObject({
      code: 'NOT_FOUND',
      reason: 'SUPPORT_REQUEST_NOT_FOUND',
    });
    const [record] = await h.auditRecords(stranger.ctx.requestId);
    expect(record).toMatchObject({ outcome: 'denied', reason: 'not_found', tenantId: stranger.tenantId });
    expect((await h.call(SupportOps.listRequests, {}, stranger)).items).toEqual([]);
    expect((await h.call(SupportOps.listRequests, {}, owner)).items[0]).toMatchObject({ id: a.id, status: 'pending' });
  });

  it('P40: the activity under a grant is the audit trail’s events carrying its ID, in its tenant only', async () => {
    const owner = h.tenantCaller(['owner']);
    const engineer = supportUser();
    const a = await ask(owner.tenantId, engineer);
    await h.call(SupportOps.approve, { id: a.id }, owner);
    const underGrant = anonymousContext({
      tenantId: owner.tenantId,
      actorId: engineer.actorId,
      actorType: 'support',
      roles: ['platform:support'],
      grantId: a.id,
    });
    const factory = new AuditEventFactory('tenant-data');
    const read = runWithContext(underGrant, () =>
      factory.build({ action: 'read', resource: { type: 'customer', id: randomUUID() } }),
    );
    expect(read.actor).toMatchObject({ type: 'support', id: engineer.actorId, grantId: a.id });
    const ownerRead = runWithContext(owner.ctx, () =>
      factory.build({ action: 'read', resource: { type: 'customer', id: randomUUID() } }),
    );
    expect(ownerRead.actor.grantId).toBeUndefined();
    await h.app
      .get(Database)
      .em()
      .transactional((tx) =>
        h.get(AuditIndexRepository).insertBatch(
          tx,
          [read, ownerRead].map((event, i) => ({
            event,
            partition: 97,
            offset: String(Date.now() * 10 + i),
            chainHash: 'x',
          })),
        ),
      );
    const activity = await h.call(SupportOps.activity, { id: a.id }, owner);
    expect(activity.items.map((e) => e.eventId)).toEqual([read.eventId]);
    expect(await refusal(h.call(SupportOps.activity, { id: a.id }, h.tenantCaller(['owner'])))).toMatchObject({
      code: 'NOT_FOUND',
      reason: 'SUPPORT_GRANT_NOT_FOUND',
    });
  });

  it('P40: the reason is sealed under the tenant’s key; the owner and the signature see it as written', async () => {
    const owner = h.tenantCaller(['owner']);
    const reason = 'ticket 5120: Ravi Rao (98450 12345) cannot see his invoice';
    const asked = await ask(owner.tenantId, supportUser(), { reason });
    expect(asked.reason).toBe(reason);
    const [row] = await h.app
      .get(Database)
      .em()
      .execute<{ reason: string | null; reason_enc: Buffer }[]>(
        `select reason, reason_enc from compliance.support_requests where id = ?`,
        [asked.id],
      );
    expect(row!.reason).toBeNull();
    expect(Buffer.from(row!.reason_enc).toString('latin1')).not.toContain('Ravi');
    expect((await h.call(SupportOps.listRequests, {}, owner)).items[0]).toMatchObject({ id: asked.id, reason });
    const approved = await h.call(SupportOps.approve, { id: asked.id, note: 'ok for Ravi’s invoice' }, owner);
    expect(approved.reason).toBe(reason);
    const [noted] = await h.app
      .get(Database)
      .em()
      .execute<{ note: string | null; note_enc: Buffer | null }[]>(
        `select note, note_enc from compliance.support_requests where id = ?`,
        [asked.id],
      );
    expect(noted).toMatchObject({ note: null, note_enc: expect.anything() });
    const bytes = supportGrantCanonical({
      id: approved.id,
      tenantId: approved.tenantId,
      requestedBy: approved.requestedBy,
      reason,
      scope: approved.scope,
      approvedBy: approved.decidedBy!,
      approvedAt: approved.approvedAt!,
      expiresAt: approved.expiresAt!,
    });
    const pub = createPublicKey(h.get(AuditSigner).publicKeyPem());
    expect(verify(null, Buffer.from(bytes), pub, Buffer.from(approved.signature!.value, 'base64url'))).toBe(true);
  });

  it('P40: the tenant’s owner is told of a request through notifications, exactly once (no reason in it)', async () => {
    const owner = h.tenantCaller(['owner']);
    const messenger = h.app.get(NoticeMessenger);
    // Notifications unreachable at the request: the request stands, its notice stays due.
    jest.spyOn(messenger, 'send').mockRejectedValueOnce(new Error('broker down'));
    const asked = await ask(owner.tenantId, supportUser(), { reason: 'ticket 6001: Sita Devi', hours: 8 });
    expect(asked.status).toBe('pending');
    expect(sent).toEqual([]);
    const notices = h.get(RegisterNotices);
    expect(await notices.runOnce(asked.id)).toBe(1);
    expect(await notices.runOnce(asked.id)).toBe(0);
    expect(await notices.runOnce()).toBe(0);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      tenantId: owner.tenantId,
      to: { tenantOwner: true },
      purpose: 'support_access_request',
    });
    expect(sent[0]!.body).toContain(asked.id);
    expect(sent[0]!.body).toContain('read-only access to your account (customers) for 8 hour(s)');
    expect(sent[0]!.body).not.toContain('Sita');
    const [row] = await h.app
      .get(Database)
      .em()
      .execute<{ n: number | string }[]>(
        `select count(*) as n from compliance.register_notices where source_id = ? and sent_at is not null`,
        [asked.id],
      );
    expect(Number(row!.n)).toBe(1);

    // Handed over at the request when notifications is there: one notice, once.
    const again = await ask(owner.tenantId, supportUser());
    expect(sent.filter((n) => n.body.includes(again.id))).toHaveLength(1);
    await notices.runOnce();
    expect(sent.filter((n) => n.body.includes(again.id))).toHaveLength(1);
  });

  it('P40: a request nobody decides lapses after 7 days: expired at read (no job), no longer decidable', async () => {
    const owner = h.tenantCaller(['owner']);
    const engineer = supportUser();
    const asked = await ask(owner.tenantId, engineer);
    now = new Date(T0.getTime() + 7 * 86_400_000 - 1);
    expect((await h.call(SupportOps.listRequests, {}, owner)).items[0]).toMatchObject({ status: 'pending' });
    now = new Date(T0.getTime() + 7 * 86_400_000);
    expect((await h.call(SupportOps.listRequests, {}, owner)).items[0]).toMatchObject({
      id: asked.id,
      status: 'expired',
    });
    for (const op of [SupportOps.approve, SupportOps.deny])
      expect(await refusal(h.call(op, { id: asked.id }, owner))).toMatchObject({
        code: 'CONFLICT',
        reason: 'SUPPORT_REQUEST_LAPSED',
      });
    const lapsed = (await h.auditRecords(owner.ctx.requestId)).filter((r) => r.reason === 'request_lapsed');
    expect(lapsed).toHaveLength(2);
    expect(lapsed[0]).toMatchObject({ outcome: 'denied', resource: { id: asked.id } });
    expect(await refusal(h.call(SupportOps.grantForToken, { id: asked.id }, engineer))).toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('erasing the tenant deletes its support requests: the grant is gone, not merely inactive', async () => {
    const owner = h.tenantCaller(['owner']);
    const a = await ask(owner.tenantId, supportUser());
    await h.call(SupportOps.approve, { id: a.id }, owner);
    await h.get(ComplianceTenantEraser).erase(owner.tenantId);
    expect(await h.call(SupportOps.grantStatus, { id: a.id }, anonymousContext())).toEqual({
      active: false,
      status: null,
      tenantId: null,
    });
  });

  it('P42: break-glass on a basis: signed at once with it, owner told, reported, revocable', async () => {
    const owner = h.tenantCaller(['owner']);
    const officer = anonymousContext({ actorId: randomUUID(), actorType: 'user', roles: ['platform:compliance'] });
    const body = {
      tenantId: owner.tenantId,
      basis: 'abuse_investigation',
      reference: 'ABUSE-118',
      reason: 'phishing reports name Ravi Rao',
      hours: 2,
    } as const;
    // Support alone cannot open one; bad input names its fields.
    expect(await refusal(h.call(SupportOps.openBreakGlass, body, supportUser()))).toMatchObject({
      reason: 'ACCESS_PERMISSION_MISSING',
    });
    const bad = await refusal(
      h.call(SupportOps.openBreakGlass, { ...body, hours: 5, basis: 'whim' as never }, officer),
    );
    expect((bad.details as { path: string }[]).map((d) => d.path).sort()).toEqual(['basis', 'hours']);

    const opened = await h.call(SupportOps.openBreakGlass, body, officer);
    expect(opened).toMatchObject({
      kind: 'break_glass',
      basis: 'abuse_investigation',
      reference: 'ABUSE-118',
      status: 'approved',
      scope: { access: 'read', features: ['customers'] },
      decidedBy: officer.actorId,
      approvedAt: T0.toISOString(),
      expiresAt: hoursAfter(2).toISOString(),
    });
    const signer = h.get(AuditSigner);
    const bytes = Buffer.from(
      supportGrantCanonical({
        id: opened.id,
        tenantId: opened.tenantId,
        requestedBy: opened.requestedBy,
        reason: body.reason,
        scope: opened.scope,
        approvedBy: officer.actorId!,
        approvedAt: opened.approvedAt!,
        expiresAt: opened.expiresAt!,
        breakGlass: { basis: 'abuse_investigation', reference: 'ABUSE-118' },
      }),
    );
    const pub = createPublicKey(signer.publicKeyPem());
    expect(verify(null, bytes, pub, Buffer.from(opened.signature!.value, 'base64url'))).toBe(true);
    const [record] = await h.auditRecords(officer.requestId);
    expect(record).toMatchObject({ tenantId: owner.tenantId, reason: 'break_glass_abuse_investigation' });

    // The owner is told at once: basis and reference, never the reason.
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      tenantId: owner.tenantId,
      to: { tenantOwner: true },
      purpose: 'break_glass_access',
    });
    expect(sent[0]!.body).toContain('basis: abuse investigation, reference ABUSE-118');
    expect(sent[0]!.body).not.toContain('Ravi');

    const list = await h.call(SupportOps.listRequests, {}, owner);
    expect(list.items).toEqual([expect.objectContaining({ id: opened.id, kind: 'break_glass', reason: body.reason })]);
    const report = await h.call(SupportOps.breakGlassReport, {}, officer);
    expect(report.items.find((i) => i.id === opened.id)).toMatchObject({
      basis: 'abuse_investigation',
      status: 'approved',
    });
    expect(report.byBasis.abuse_investigation).toBeGreaterThanOrEqual(1);
    expect(report.byMonth['2026-12']).toBeGreaterThanOrEqual(1);

    const revoked = await h.call(SupportOps.revoke, { id: opened.id }, owner);
    expect(revoked.status).toBe('revoked');
    const after = await h.call(SupportOps.breakGlassReport, {}, officer);
    expect(after.items.find((i) => i.id === opened.id)).toMatchObject({ status: 'revoked' });
    expect(await h.call(SupportOps.grantStatus, { id: opened.id }, officer)).toMatchObject({ active: false });
  });

  it('P42: a recorded bar holds the owner’s notice until it ends, then once; a bad bar is refused', async () => {
    const owner = h.tenantCaller(['owner']);
    const officer = anonymousContext({ actorId: randomUUID(), actorType: 'user', roles: ['platform:compliance'] });
    const until = new Date(T0.getTime() + 3 * 86_400_000);
    const body = {
      tenantId: owner.tenantId,
      basis: 'legal_obligation',
      reference: 'CrPC-94/2027/12',
      reason: 'order to preserve and produce records',
      hours: 1,
      bar: { reason: 'the order forbids telling the account holder for 3 days', until: until.toISOString() },
    } as const;
    for (const bad of [T0, new Date(T0.getTime() + 91 * 86_400_000)]) {
      const refused = await refusal(
        h.call(SupportOps.openBreakGlass, { ...body, bar: { ...body.bar, until: bad.toISOString() } }, officer),
      );
      expect(refused).toMatchObject({ reason: 'REGISTER_DATES_INVALID', details: [{ path: 'bar.until' }] });
    }

    const registersNow = jest.spyOn(h.get(RegistersClock), 'now').mockImplementation(() => T0);
    const opened = await h.call(SupportOps.openBreakGlass, body, officer);
    expect(sent).toEqual([]);
    const [record] = await h.auditRecords(officer.requestId);
    expect(record).toMatchObject({ reason: 'break_glass_legal_obligation_notice_barred' });
    const notices = h.get(RegisterNotices);
    expect(await notices.runOnce()).toBe(0);
    const report = async () =>
      (await h.call(SupportOps.breakGlassReport, {}, officer)).items.find((i) => i.id === opened.id);
    expect(await report()).toMatchObject({
      notice: {
        dueAt: until.toISOString(),
        status: 'barred',
        bar: { reason: body.bar.reason, until: until.toISOString() },
      },
    });

    // The bar ends: the next round tells the owner, once.
    registersNow.mockImplementation(() => new Date(until.getTime() + 60_000));
    expect(await notices.runOnce()).toBeGreaterThanOrEqual(1);
    expect(await notices.runOnce()).toBe(0);
    expect(sent.filter((n) => n.body.includes(opened.id))).toHaveLength(1);
    expect(sent.find((n) => n.body.includes(opened.id))).toMatchObject({
      tenantId: owner.tenantId,
      purpose: 'break_glass_access',
    });
    expect((await report())?.notice).toMatchObject({ status: 'sent' });
  });
});
