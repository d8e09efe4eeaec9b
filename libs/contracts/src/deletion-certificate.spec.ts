import { randomBytes } from 'node:crypto';
import {
  deletionCertificateKey,
  signDeletionCertificate,
  verifyDeletionCertificate,
  type DeletionCertificateBody,
} from './deletion-certificate.js';
import { purgeSchedule, resolveRetentionPolicy } from './retention.js';

const body = (kind: 'tenant' | 'principal'): DeletionCertificateBody => ({
  format: 'lekha.deletion-certificate/1',
  id: '0190f5c8-7c1e-7a3b-9c2d-1a2b3c4d5e6f',
  subject:
    kind === 'tenant'
      ? { kind, tenantId: '0190f5c8-7c1e-7a3b-9c2d-000000000001' }
      : { kind, tenantId: '0190f5c8-7c1e-7a3b-9c2d-000000000001', customerId: '0190f5c8-7c1e-7a3b-9c2d-000000000002' },
  basis: kind === 'tenant' ? 'retention_after_cancellation' : 'principal_request',
  services: [{ service: 'tenant-data', confirmedAt: '2027-03-01T10:00:00.000Z', erased: ['keyset', 'customers'] }],
  retained: [{ category: 'processing_logs', until: '2028-03-01T10:00:00.000Z', reason: 'DPDP Rules r.8(3)' }],
  requestedAt: '2027-03-01T09:59:00.000Z',
  completedAt: '2027-03-01T10:00:00.000Z',
  issuedAt: '2027-03-01T10:00:01.000Z',
});

describe('deletion certificates', () => {
  const key = deletionCertificateKey(randomBytes(32));

  it.each(['tenant', 'principal'] as const)('a %s certificate signed by compliance verifies, pinned or not', (kind) => {
    const cert = signDeletionCertificate(body(kind), key);
    expect(verifyDeletionCertificate(JSON.parse(JSON.stringify(cert)))).toMatchObject({ valid: true });
    expect(verifyDeletionCertificate(cert, key.publicKey)).toMatchObject({ valid: true });
  });

  it('a changed field, a swapped key or another signer is refused with the reason', () => {
    const cert = signDeletionCertificate(body('tenant'), key);
    const tampered = { ...cert, completedAt: '2027-04-01T10:00:00.000Z' };
    expect(verifyDeletionCertificate(tampered)).toEqual({ valid: false, reason: 'the signature does not match' });
    const other = deletionCertificateKey(randomBytes(32));
    const resigned = signDeletionCertificate(body('tenant'), other);
    expect(verifyDeletionCertificate(resigned, key.publicKey)).toMatchObject({
      valid: false,
      reason: expect.stringContaining('not by the trusted key'),
    });
    const wrongKid = { ...cert, signature: { ...cert.signature, kid: '0000000000000000' } };
    expect(verifyDeletionCertificate(wrongKid)).toMatchObject({ valid: false, reason: expect.stringContaining('kid') });
    expect(verifyDeletionCertificate({ hello: 1 })).toMatchObject({ valid: false });
  });

  it('the key is the same for the same seed (compliance derives it from the master key)', () => {
    const seed = randomBytes(32);
    expect(deletionCertificateKey(seed).kid).toBe(deletionCertificateKey(seed).kid);
  });
});

describe('retention policy', () => {
  it('defaults to the profile; legal floors win where longer, and say why', () => {
    const p = resolveRetentionPolicy({});
    expect(p).toMatchObject({ profile: 'standard', days: 90, daysFrom: 'profile', inactivityErasure: false });
    expect(resolveRetentionPolicy({ profile: 'short' }).days).toBe(30);
    expect(resolveRetentionPolicy({ profile: 'extended' }).days).toBe(180);
    const logs = p.categories.find((c) => c.category === 'processing_logs')!;
    expect(logs.days).toBe(365);
    expect(logs.reason).toMatch(/r\.8\(3\).*law wins/);
    expect(p.categories.find((c) => c.category === 'gst_records')!.days).toBeGreaterThanOrEqual(72 * 30);
    const long = resolveRetentionPolicy({ days: 3000 });
    expect(long.categories.every((c) => c.days === 3000)).toBe(true);
  });

  it('the notice falls 48 hours before the purge', () => {
    const { noticeAt, purgeAt } = purgeSchedule(new Date('2027-01-01T00:00:00Z'), 30);
    expect(purgeAt.toISOString()).toBe('2027-01-31T00:00:00.000Z');
    expect(noticeAt.toISOString()).toBe('2027-01-29T00:00:00.000Z');
  });
});
