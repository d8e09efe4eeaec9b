import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import {
  PrivacyNoticeOps,
  PrivacyOps,
  RIGHTS_SERVICES,
  type PublishNoticeRequest,
  type RightsService,
} from '@lekha/contracts';
import { ConsentEvents } from '@lekha/runtime';
import { Database } from '@lekha/persistence';
import { RegistersRepository } from '../src/registers/registers.repository.js';
import type { Caller, UseCaseHarness } from '@lekha/use-case-testing';
import { NoticeMessenger, type OutgoingNotice } from '../src/notices/notice-messenger.js';
import { ServiceDeclarationsSource } from '../src/privacy-notices/service-declarations.js';
import { COMPLIANCE_PERSONAL_DATA } from '../src/rights/personal-data.js';
import { startCompliance } from './compliance-harness.js';

describe('privacy notices (use cases on a real database)', () => {
  let h: UseCaseHarness;
  let sent: OutgoingNotice[];

  beforeAll(async () => {
    h = await startCompliance({ REGISTER_NOTICES: 'off' });
  });
  afterAll(async () => {
    await h?.stop();
  });
  beforeEach(() => {
    sent = [];
    jest.spyOn(h.app.get(NoticeMessenger), 'send').mockImplementation(async (n) => {
      sent.push(n);
    });
    jest.spyOn(h.get(ConsentEvents), 'publish').mockImplementation(async () => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  const body = (language = 'en', over: Record<string, unknown> = {}) => ({
    language,
    title: 'Privacy notice',
    sections: [{ heading: 'What we keep', body: 'Your name and phone.' }],
    categories: [{ category: 'user.name', label: 'Your name' }],
    purposes: [{ key: 'marketing', label: 'Offers' }],
    material: false,
    ...over,
  });
  const publish = (caller: Caller, over: Record<string, unknown> = {}, language = 'en') =>
    h.call(PrivacyNoticeOps.publishNotice, body(language, over) as PublishNoticeRequest, caller);
  const consent = (caller: Caller, customerId: string, version: string, phone: string) =>
    h.call(
      PrivacyOps.giveConsent,
      {
        principal: { customerId, phone },
        purpose: 'marketing',
        notice: { version, language: 'en' },
        channel: 'web',
        evidence: { method: 'checkbox' },
      },
      caller,
    );

  it('numbers versions per language, refuses a taken version and unknown purposes, audits each', async () => {
    const owner = h.tenantCaller(['owner']);
    expect(await publish(owner)).toMatchObject({ version: 1, current: true, notified: null });
    expect(await publish(owner, {}, 'hi')).toMatchObject({ language: 'hi', version: 1 });
    expect(await publish(owner, { version: 2 })).toMatchObject({ version: 2 });
    await expect(publish(owner, { version: 2 })).rejects.toMatchObject({ reason: 'PRIVACY_NOTICE_VERSION_TAKEN' });
    await expect(publish(owner, { purposes: [{ key: 'astrology', label: 'x' }] })).rejects.toMatchObject({
      reason: 'PRIVACY_PURPOSE_UNKNOWN',
    });
    const staff = h.callerIn(owner.ctx.tenantId!, ['staff']);
    await expect(publish(staff)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const listed = await h.call(PrivacyNoticeOps.listNotices, { language: 'en', current: true }, staff);
    expect(listed.items.map((n) => n.version)).toEqual([2]);
    const [record] = await h.auditRecords(owner.ctx.requestId);
    expect(record).toMatchObject({ resource: { type: 'privacy_notice' } });
  });

  it('a material change: one notice per person and version; older consents need re-acceptance', async () => {
    const owner = h.tenantCaller(['owner']);
    await publish(owner);
    const [a, b] = [randomUUID(), randomUUID()];
    const old = await consent(owner, a, '1', '+919812300011');
    await consent(owner, b, '1', '+919812300012');
    await consent(owner, b, '1', '+919812300012');
    expect(old.needsReacceptance).toBe(false);

    const changed = await publish(owner, { material: true, summaryOfChanges: 'New provider.' });
    expect(changed).toMatchObject({ version: 2, notified: { owner: 1, principals: 2 } });
    expect(sent.map((n) => ('customerId' in n.to ? n.to.customerId : 'owner')).sort()).toEqual([a, b, 'owner'].sort());
    expect(sent.every((n) => n.purpose === 'privacy_notice_change' && n.body.includes('New provider.'))).toBe(true);

    const list = await h.call(PrivacyOps.listConsents, { customerId: a }, owner);
    expect(list.items[0]).toMatchObject({ id: old.id, needsReacceptance: true });
    const again = await consent(owner, a, '2', '+919812300011');
    expect(again.needsReacceptance).toBe(false);
    const after = await h.call(PrivacyOps.listConsents, { customerId: a }, owner);
    expect(after.items.map((c) => c.needsReacceptance)).toEqual([false, false]);
  });

  it('P52: a material change also reaches a principal known only by their consent’s address, once', async () => {
    const owner = h.tenantCaller(['owner']);
    await publish(owner);
    const customer = randomUUID();
    await consent(owner, customer, '1', '+919812300031');
    const byAddress = () =>
      h.call(
        PrivacyOps.giveConsent,
        {
          principal: { phone: '+919812300032' },
          purpose: 'marketing',
          notice: { version: '1', language: 'en' },
          channel: 'web',
          evidence: { method: 'public route, verified by a one-time code' },
        },
        owner,
      );
    await byAddress();
    await byAddress();

    const changed = await publish(owner, { material: true, summaryOfChanges: 'New SMS provider.' });
    expect(changed).toMatchObject({ version: 2, notified: { owner: 1, principals: 2 } });
    const to = sent.map((n) => n.to);
    expect(to).toHaveLength(3);
    expect(to).toEqual(
      expect.arrayContaining([{ tenantOwner: true }, { customerId: customer }, { address: '+919812300032' }]),
    );
    expect(sent.every((n) => n.body.includes('New SMS provider.') && !n.body.includes('+9198'))).toBe(true);
  });

  it('a material change and its notices commit together: a failure while queueing them publishes nothing', async () => {
    const owner = h.tenantCaller(['owner']);
    const tenantId = owner.ctx.tenantId!;
    await publish(owner);
    const [a, b] = [randomUUID(), randomUUID()];
    await consent(owner, a, '1', '+919812300021');
    await consent(owner, b, '1', '+919812300022');
    const db = h.app.get(Database).em();
    const queued = async () =>
      Number(
        (
          await db.execute<{ n: string | number }[]>(
            `select count(*) as n from compliance.register_notices where tenant_id = ?
               and source_type = 'privacy_notice'`,
            [tenantId],
          )
        )[0]!.n,
      );

    // The crash lands after the publication's insert and the first notice: both are rolled back.
    const registers = h.get(RegistersRepository);
    const insert = registers.insertNotice.bind(registers);
    let calls = 0;
    jest.spyOn(registers, 'insertNotice').mockImplementation(async (tx, n) => {
      if (++calls === 2) throw new Error('crash while queueing notices');
      return insert(tx, n);
    });
    await expect(publish(owner, { material: true, summaryOfChanges: 'New provider.' })).rejects.toThrow();
    expect(calls).toBe(2);
    const listed = await h.call(PrivacyNoticeOps.listNotices, { language: 'en' }, owner);
    expect(listed.items.map((n) => n.version)).toEqual([1]);
    expect(await queued()).toBe(0);
    expect(sent).toEqual([]);

    // Published again: the version and its three notices are there together, handed over once each.
    jest.mocked(registers.insertNotice).mockRestore();
    const changed = await publish(owner, { material: true, summaryOfChanges: 'New provider.' });
    expect(changed).toMatchObject({ version: 2, notified: { owner: 1, principals: 2 } });
    expect(await queued()).toBe(3);
    expect(sent).toHaveLength(3);
  });

  it('the data map merges what each service declares (a service not answering fails it)', async () => {
    const source = h.app.get(ServiceDeclarationsSource);
    const asked: RightsService[] = [];
    jest.spyOn(source, 'of').mockImplementation(async (service) => {
      asked.push(service);
      return {
        service,
        declarations:
          service === 'compliance'
            ? COMPLIANCE_PERSONAL_DATA.map((d) => ({ ...d }))
            : [{ table: `${service}.t`, what: 'x', category: 'user.name', purpose: 'p', principalColumn: null }],
      };
    });
    const owner = h.tenantCaller(['owner']);
    const { map, html } = await h.call(PrivacyNoticeOps.dataMap, { format: 'html' }, owner);
    expect(asked.sort()).toEqual([...RIGHTS_SERVICES].sort());
    expect(map.entries.filter((e) => e.service === 'compliance')).toHaveLength(COMPLIANCE_PERSONAL_DATA.length);
    expect(map.categories.find((c) => c.category === 'user.name')!.services).toHaveLength(4);
    expect(html).toContain('compliance.consent_records');
    const staff = h.callerIn(owner.ctx.tenantId!, ['staff']);
    await expect(h.call(PrivacyNoticeOps.dataMap, { format: 'json' }, staff)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });
});
