import { createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { ErasingServices } from './tenants.js';

/**
 * A deletion certificate: compliance's signed statement that a subject's data was erased. One format
 * for both subjects — a whole tenant (retention purge, `kind: 'tenant'`) and one data principal
 * (rights erasure, `kind: 'principal'`, with the customer's ID) — and one signer and verifier
 * (`signDeletionCertificate`, `verifyDeletionCertificate`), used by compliance and by the
 * `lekha compliance verify-certificate` command offline. IDs, names of services and categories, and
 * times only: never personal data.
 */
export const DELETION_CERTIFICATE_FORMAT = 'lekha.deletion-certificate/1';

export const deletionCertificateBodySchema = z.strictObject({
  format: z.literal(DELETION_CERTIFICATE_FORMAT),
  id: z.uuid(),
  subject: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('tenant'), tenantId: z.uuid() }),
    z.strictObject({ kind: z.literal('principal'), tenantId: z.uuid(), customerId: z.uuid() }),
  ]),
  /** Why it was erased: the retention schedule after cancellation, the owner's order, a rights request. */
  basis: z.enum(['retention_after_cancellation', 'inactivity', 'owner_request', 'principal_request']),
  /** Each service that confirmed, with when, and what it erased (keysets destroyed, categories deleted). */
  services: z
    .array(
      z.strictObject({
        service: z.enum(ErasingServices),
        confirmedAt: z.iso.datetime(),
        erased: z.array(z.string().min(1).max(80)).max(50),
      }),
    )
    .min(1),
  /** What was kept on purpose, and the rule that requires it. */
  retained: z
    .array(
      z.strictObject({
        category: z.string().min(1).max(80),
        until: z.iso.datetime().nullable(),
        reason: z.string().min(1).max(300),
      }),
    )
    .max(50),
  requestedAt: z.iso.datetime(),
  completedAt: z.iso.datetime(),
  issuedAt: z.iso.datetime(),
});
export type DeletionCertificateBody = z.infer<typeof deletionCertificateBodySchema>;

export const deletionCertificateSchema = deletionCertificateBodySchema.extend({
  signature: z.strictObject({
    alg: z.literal('Ed25519'),
    /** The signer's key ID: the first 16 hex digits of SHA-256 over the raw public key. */
    kid: z.string().regex(/^[0-9a-f]{16}$/),
    /** The raw 32-byte public key, base64 (pin it with the published key: see `verifyDeletionCertificate`). */
    publicKey: z.string().min(1).max(100),
    /** Ed25519 over `canonicalJson(body)`, base64. */
    value: z.string().min(1).max(200),
  }),
});
export type DeletionCertificate = z.infer<typeof deletionCertificateSchema>;

/** JSON with object keys sorted at every level: the bytes that are signed. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object')
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** The Ed25519 signing key from a 32-byte seed (compliance derives its seed from the master key). */
export function deletionCertificateKey(seed: Buffer): { privateKey: KeyObject; publicKey: Buffer; kid: string } {
  if (seed.length !== 32) throw new Error('the certificate key seed must be 32 bytes');
  const privateKey = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const publicKey = Buffer.from(spki.subarray(ED25519_SPKI_PREFIX.length));
  return { privateKey, publicKey, kid: certificateKeyId(publicKey) };
}

export function certificateKeyId(publicKey: Buffer): string {
  return createHash('sha256').update(publicKey).digest('hex').slice(0, 16);
}

export function signDeletionCertificate(
  body: DeletionCertificateBody,
  key: { privateKey: KeyObject; publicKey: Buffer; kid: string },
): DeletionCertificate {
  const parsed = deletionCertificateBodySchema.parse(body);
  const value = sign(null, Buffer.from(canonicalJson(parsed)), key.privateKey).toString('base64');
  return { ...parsed, signature: { alg: 'Ed25519', kid: key.kid, publicKey: key.publicKey.toString('base64'), value } };
}

export type CertificateVerdict = { valid: true; certificate: DeletionCertificate } | { valid: false; reason: string };

/**
 * Checks a certificate offline: its shape, that `kid` names its public key, that the key is the
 * trusted one when given (the key compliance publishes), and the signature over the body.
 */
export function verifyDeletionCertificate(input: unknown, trustedPublicKey?: Buffer): CertificateVerdict {
  const parsed = deletionCertificateSchema.safeParse(input);
  if (!parsed.success)
    return {
      valid: false,
      reason: `not a deletion certificate: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    };
  const { signature, ...body } = parsed.data;
  const publicKey = Buffer.from(signature.publicKey, 'base64');
  if (publicKey.length !== 32) return { valid: false, reason: 'the public key is not 32 bytes' };
  if (certificateKeyId(publicKey) !== signature.kid)
    return { valid: false, reason: 'kid does not name the public key' };
  if (trustedPublicKey && !trustedPublicKey.equals(publicKey))
    return { valid: false, reason: `signed by key ${signature.kid}, not by the trusted key` };
  const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, publicKey]), format: 'der', type: 'spki' });
  const ok = verify(null, Buffer.from(canonicalJson(body)), key, Buffer.from(signature.value, 'base64'));
  return ok ? { valid: true, certificate: parsed.data } : { valid: false, reason: 'the signature does not match' };
}
