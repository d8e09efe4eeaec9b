import { uuidv7, type AuditEventV1 } from '@lekha/contracts';
import { GENESIS, checkpointBytes, nextHead, type Checkpoint } from './chain.js';
import { decodeProof, encodeProof, leafHash, merkleTree, rootFromProof } from './merkle.js';
import { AuditSigner, AuditHeaders, TrustedKeys } from './signing.js';
import { ChainVerifier, type SignedCheckpoint, type VerifiableRecord } from './verifier.js';

const tenantData = AuditSigner.generate('tenant-data');
const identity = AuditSigner.generate('identity');
const compliance = AuditSigner.generate('compliance');
const stranger = AuditSigner.generate('tenant-data');
const trusted = new TrustedKeys(
  [tenantData, identity, compliance].map((s) => ({ service: s.service, publicKeyPem: s.publicKeyPem() })),
);

function event(service: string, n: number): AuditEventV1 {
  return {
    schema: 'lekha.audit/1',
    eventId: uuidv7(),
    occurredAt: new Date(1_800_000_000_000 + n).toISOString(),
    service,
    tenantId: null,
    actor: { type: 'user', id: `u${n}`, roles: ['owner'] },
    action: 'read',
    resource: { type: 'customer', id: `c${n}` },
    subjectIds: [`c${n}`],
    outcome: 'allowed',
    purpose: 'service_delivery',
    fields: [],
    requestId: null,
    traceId: null,
  };
}

function record(
  signer: AuditSigner,
  partition: number,
  offset: number,
  e = event(signer.service, offset),
): VerifiableRecord {
  const value = Buffer.from(JSON.stringify(e));
  return { partition, offset: String(offset), value, keyId: signer.keyId, signature: signer.sign(value) };
}

/** A checkpoint over the partition's records from the start up to the last given; `after` the checkpoint it follows. */
function checkpointOver(records: VerifiableRecord[], signer = compliance, after?: SignedCheckpoint): SignedCheckpoint {
  let head = GENESIS;
  for (const r of records) head = nextHead(head, r);
  const last = records[records.length - 1]!;
  const fromOffset = after ? String(BigInt(after.checkpoint.toOffset) + 1n) : records[0]!.offset;
  const checkpoint: Checkpoint = {
    schema: 'lekha.audit-checkpoint/1',
    topic: 'audit.events.v1',
    partition: last.partition,
    fromOffset,
    toOffset: last.offset,
    count: records.length,
    head,
    previousHead: after?.checkpoint.head ?? GENESIS,
    sealedAt: new Date().toISOString(),
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
    const first = checkpointOver(records.slice(0, 6));
    const report = verify(records, [first, checkpointOver(records, compliance, first)]);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, records: 10, checkpointsChecked: 2 });
  });

  it('accepts a checkpoint chain that starts again from genesis, as a rebuilt compliance index does', () => {
    const records = genuine();
    const first = checkpointOver(records.slice(0, 4));
    const second = checkpointOver(records.slice(0, 7), compliance, first);
    const again = checkpointOver(records.slice(0, 5));
    const report = verify(records, [first, second, again, checkpointOver(records, compliance, again)]);
    expect(report.problems).toEqual([]);
    expect(report.checkpointsChecked).toBe(4);
  });

  it('security #4: reports a forked checkpoint chain, even when every checkpoint matches the records', () => {
    const records = genuine();
    const first = checkpointOver(records.slice(0, 4));
    const second = checkpointOver(records.slice(0, 7), compliance, first);
    // What a stale "latest checkpoint" published: another successor of the first one.
    const fork = checkpointOver(records, compliance, first);
    const report = verify(records, [first, second, fork]);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'fork', partition: 0, offset: '9' })]);
    expect(report.problems[0]!.detail).toMatch(/offsets 4\.\.9 does not follow the checkpoint of offsets 4\.\.6/);
    // A checkpoint that names a predecessor no checkpoint has, from the very start.
    const orphan = { ...first.checkpoint, previousHead: second.checkpoint.head };
    const signed = { checkpoint: orphan, keyId: compliance.keyId, signature: compliance.sign(checkpointBytes(orphan)) };
    expect(verify(records, [signed]).problems.map((p) => p.kind)).toEqual(['fork']);
  });

  it('security #4: reports a gap in the checkpoint chain: a checkpoint removed from its topic', () => {
    const records = genuine();
    const first = checkpointOver(records.slice(0, 4));
    const second = checkpointOver(records.slice(0, 7), compliance, first);
    const third = checkpointOver(records, compliance, second);
    const report = verify(records, [first, third]);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'gap', partition: 0, offset: '9' })]);
    expect(report.problems[0]!.detail).toMatch(/offsets 4\.\.6 are in no checkpoint/);
    expect(verify(records, [second, third]).problems.map((p) => p.kind)).toEqual(['gap']);
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
    expect(report.problems.map((p) => [p.kind, p.offset])).toEqual([
      ['injected', '10'],
      ['injected', '11'],
      ['injected', '12'],
    ]);
    expect(report.problems[2]!.detail).toBe('signed by tenant-data but claims identity');
  });

  it('refuses a checkpoint that compliance did not sign', () => {
    const records = genuine();
    const report = verify(records, [checkpointOver(records, tenantData)]);
    expect(report.problems).toEqual([expect.objectContaining({ kind: 'checkpoint' })]);
  });

  it('flags signed content that is not an audit event', () => {
    const value = Buffer.from('{"hello":"world","service":"identity"}');
    const report = verify([
      { partition: 1, offset: '0', value, keyId: identity.keyId, signature: identity.sign(value) },
    ]);
    expect(report.problems.map((p) => p.kind)).toEqual(['malformed']);
  });
});

/** Records as the relay now writes them: one signed Merkle root per batch, a proof per record. */
function batch(signer: AuditSigner, partition: number, firstOffset: number, n: number): VerifiableRecord[] {
  const values = Array.from({ length: n }, (_, i) => {
    const e = event(signer.service, firstOffset + i);
    return { value: Buffer.from(JSON.stringify(e)), eventId: e.eventId };
  });
  return signer.batchHeaders(values).map((h, i) => ({
    partition,
    offset: String(firstOffset + i),
    value: values[i]!.value,
    keyId: h[AuditHeaders.keyId],
    rootSignature: h[AuditHeaders.rootSignature],
    proof: h[AuditHeaders.proof],
  }));
}

describe('Merkle proofs', () => {
  it('lead every leaf of trees of every size back to the root, and only that leaf at that index', () => {
    for (let n = 1; n <= 33; n++) {
      const leaves = Array.from({ length: n }, (_, i) => leafHash('k', Buffer.from(`record ${i}`)));
      const { root, proofs } = merkleTree(leaves);
      leaves.forEach((leaf, i) => {
        const decoded = decodeProof(encodeProof(i, n, proofs[i]!))!;
        expect(rootFromProof(leaf, decoded.index, decoded.count, decoded.path)?.equals(root)).toBe(true);
        if (n > 1) expect(rootFromProof(leaf, (i + 1) % n, n, proofs[i]!)?.equals(root) ?? false).toBe(false);
        expect(rootFromProof(leafHash('k', Buffer.from('forged')), i, n, proofs[i]!)?.equals(root) ?? false).toBe(
          false,
        );
      });
    }
  });
});

describe('ChainVerifier on batch-signed records', () => {
  it('accepts batch-signed records, alone and mixed with per-record signatures on one partition', () => {
    const mixed = [...genuine(), ...batch(tenantData, 0, 10, 200), ...batch(identity, 0, 210, 1)];
    expect(new Set(mixed.slice(10, 138).map((r) => r.rootSignature)).size).toBe(1);
    const report = verify(mixed, [checkpointOver(mixed)]);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, records: 211, checkpointsChecked: 1 });
  });

  it('catches a modified record and a modified proof', () => {
    const records = batch(tenantData, 0, 0, 20);
    const tampered = JSON.parse(records[5]!.value.toString());
    tampered.outcome = 'denied';
    records[5] = { ...records[5]!, value: Buffer.from(JSON.stringify(tampered)) };
    const proof = decodeProof(records[9]!.proof!)!;
    proof.path[0] = Buffer.alloc(32, 7);
    records[9] = { ...records[9]!, proof: encodeProof(proof.index, proof.count, proof.path) };
    records[12] = { ...records[12]!, proof: records[13]!.proof };
    const report = verify(records);
    expect(report.problems.map((p) => [p.kind, p.offset])).toEqual([
      ['modified', '5'],
      ['modified', '9'],
      ['modified', '12'],
    ]);
  });

  it('catches a record injected with the proof and root signature of another batch', () => {
    const genuineBatch = batch(tenantData, 0, 0, 8);
    const forgedValue = Buffer.from(JSON.stringify(event('tenant-data', 99)));
    const borrowed = genuineBatch[3]!;
    const injected = { ...borrowed, offset: '8', value: forgedValue };
    const wrongCount = { ...genuineBatch[2]!, offset: '9', proof: genuineBatch[2]!.proof!.replace(/^2\.8\./, '2.9.') };
    const foreignKey = batch(stranger, 0, 10, 4);
    const noProof = { ...batch(tenantData, 0, 14, 1)[0]!, proof: undefined };
    const impersonation = batch(tenantData, 0, 15, 1).map((r) => ({
      ...r,
      value: Buffer.from(JSON.stringify(event('identity', 15))),
    }))[0]!;
    const report = verify([...genuineBatch, injected, wrongCount, ...foreignKey, noProof, impersonation]);
    expect(report.problems.map((p) => [p.kind, p.offset])).toEqual([
      ['modified', '8'],
      ['modified', '9'],
      ['injected', '10'],
      ['injected', '11'],
      ['injected', '12'],
      ['injected', '13'],
      ['injected', '14'],
      ['injected', '15'],
    ]);
    expect(report.problems[7]!.detail).toBe('signed by tenant-data but claims identity');
  });
});
