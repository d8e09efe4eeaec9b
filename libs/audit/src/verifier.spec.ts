import { uuidv7, type AuditEventV1 } from '@lekha/contracts';
import { GENESIS, checkpointBytes, nextHead, type Checkpoint } from './chain.js';
import { AuditSigner, TrustedKeys } from './signing.js';
import { ChainVerifier, type SignedCheckpoint, type VerifiableRecord } from './verifier.js';

const tenantData = AuditSigner.generate('tenant-data');
const identity = AuditSigner.generate('identity');
const compliance = AuditSigner.generate('compliance');
const stranger = AuditSigner.generate('tenant-data');
const trusted = new TrustedKeys([tenantData, identity, compliance].map((s) => ({ service: s.service, publicKeyPem: s.publicKeyPem() })));

function event(service: string, n: number): AuditEventV1 {
  return {
    schema: 'lekha.audit/1', eventId: uuidv7(), occurredAt: new Date(1_800_000_000_000 + n).toISOString(), service, tenantId: null,
    actor: { type: 'user', id: `u${n}`, roles: ['owner'] }, action: 'read', resource: { type: 'customer', id: `c${n}` }, subjectIds: [`c${n}`],
    outcome: 'allowed', purpose: 'service_delivery', fields: [], requestId: null, traceId: null,
  };
}

function record(signer: AuditSigner, partition: number, offset: number, e = event(signer.service, offset)): VerifiableRecord {
  const value = Buffer.from(JSON.stringify(e));
  return { partition, offset: String(offset), value, keyId: signer.keyId, signature: signer.sign(value) };
}

function checkpointOver(records: VerifiableRecord[], signer = compliance): SignedCheckpoint {
  let head = GENESIS;
  for (const r of records) head = nextHead(head, r);
  const last = records[records.length - 1]!;
  const checkpoint: Checkpoint = {
    schema: 'lekha.audit-checkpoint/1', topic: 'audit.events.v1', partition: last.partition, fromOffset: records[0]!.offset, toOffset: last.offset,
    count: records.length, head, previousHead: GENESIS, sealedAt: new Date().toISOString(),
  };
  return { checkpoint, keyId: signer.keyId, signature: signer.sign(checkpointBytes(checkpoint)) };
}

function verify(records: VerifiableRecord[], checkpoints: SignedCheckpoint[] = []) {
  const v = new ChainVerifier(trusted, checkpoints);
  records.forEach((r) => v.add(r));
  return v.finish();
}

const genuine = () => Array.from({ length: 10 }, (_, i) => record(i % 2 ? identity : tenantData, 0, i));

describe('ChainVerifier', () => {
  it('accepts an untouched trail and its checkpoint', () => {
    const records = genuine();
    const report = verify(records, [checkpointOver(records.slice(0, 6)), checkpointOver(records)]);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, records: 10, checkpointsChecked: 2 });
  });

  it('catches a modified record', () => {
    const records = genuine();
    const cp = checkpointOver(records);
    const tampered = JSON.parse(records[4]!.value.toString());
    tampered.outcome = 'denied';
    records[4] = { ...records[4]!, value: Buffer.from(JSON.stringify(tampered)) };
    const report = verify(records, [cp]);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => p.kind)).toEqual(['modified', 'modified']);
    expect(report.problems[0]).toMatchObject({ partition: 0, offset: '4' });
  });

  it('catches a removed record, in the middle and at the start', () => {
    const records = genuine();
    const cp = checkpointOver(records);
    const middle = verify([...records.slice(0, 3), ...records.slice(4)], [cp]);
    expect(middle.problems.map((p) => p.kind)).toEqual(['removed', 'removed']);
    const start = verify(records.slice(2), [checkpointOver(records.slice(0, 5)), cp]);
    expect(start.problems.map((p) => p.kind)).toEqual(['removed', 'removed', 'removed']);
  });

  it('catches reordered records, even with their offsets rewritten to look in order', () => {
    const records = genuine();
    const cp = checkpointOver(records);
    const swapped = [...records];
    [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
    expect(verify(swapped, [cp]).problems.map((p) => p.kind)).toContain('reordered');
    const renumbered = swapped.map((r, i) => ({ ...r, offset: String(i) }));
    expect(verify(renumbered, [cp]).problems.map((p) => p.kind)).toEqual(['modified']);
  });

  it('catches records injected by something that is not a registered service', () => {
    const records = genuine();
    const forged = record(stranger, 0, 10);
    const unsigned = { ...record(tenantData, 0, 11), signature: undefined };
    const impersonation = record(tenantData, 0, 12, event('identity', 12));
    const report = verify([...records, forged, unsigned, impersonation]);
    expect(report.problems.map((p) => [p.kind, p.offset])).toEqual([['injected', '10'], ['injected', '11'], ['injected', '12']]);
    expect(report.problems[2]!.detail).toBe('signed by tenant-data but claims identity');
  });

  it('refuses a checkpoint that compliance did not sign', () => {
    const records = genuine();
    const report = verify(records, [checkpointOver(records, tenantData)]);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'checkpoint' })]);
  });

  it('flags signed content that is not an audit event', () => {
    const value = Buffer.from('{"hello":"world","service":"identity"}');
    const report = verify([{ partition: 1, offset: '0', value, keyId: identity.keyId, signature: identity.sign(value) }]);
    expect(report.problems.map((p) => p.kind)).toEqual(['malformed']);
  });
});
