import type { FieldCipher } from '@lekha/crypto';
import type { ConsentView } from '@lekha/contracts';
import { maskEmail, maskPhone } from '@lekha/tenancy';
import { iso, isoOrNull, type Application, type ConsentRecordRow } from './consent.repository.js';

/** The blind index of a principal's address (an E.164 phone or a lower-case email) under the tenant's key. */
export function principalIndex(cipher: FieldCipher, address: string): string {
  return cipher.index('principal', address)!;
}

export function addressCategory(address: string): string {
  return address.includes('@') ? 'user.contact.email' : 'user.contact.phone';
}

/** A consent is active until withdrawn or past its expiry (read-time: no job expires it). */
export function statusOf(row: ConsentRecordRow, now: Date): ConsentView['status'] {
  if (row.withdrawal_id) return 'withdrawn';
  if (row.expires_at !== null && new Date(row.expires_at).getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/** What a reader sees of a record: the address masked, the evidence reference decrypted, each act's application. */
export function consentView(
  cipher: FieldCipher,
  row: ConsentRecordRow,
  applications: Application[],
  services: readonly string[],
  now: Date,
): Omit<ConsentView, 'needsReacceptance'> {
  // Null once the principal's data was erased: the record stays as a proof that consent existed.
  const address = cipher.decrypt('consent.address', row.address_enc) ?? null;
  const acts: { id: string; change: 'given' | 'withdrawn' | 'erased' }[] = [{ id: row.id, change: 'given' }];
  if (row.withdrawal_id) acts.push({ id: row.withdrawal_id, change: 'withdrawn' });
  if (row.erasure_act_id) acts.push({ id: row.erasure_act_id, change: 'erased' });
  return {
    id: row.id,
    purpose: row.purpose,
    grants: row.grants,
    principal: {
      customerId: row.customer_id,
      address: address === null ? '(erased)' : address.includes('@') ? maskEmail(address) : maskPhone(address),
    },
    notice: { version: row.notice_version, language: row.notice_language },
    channel: row.channel,
    givenAt: iso(row.given_at),
    expiresAt: isoOrNull(row.expires_at),
    evidence: {
      recordedBy: { type: row.recorded_by_type, id: row.recorded_by_id },
      method: row.evidence_method,
      reference: cipher.decrypt('consent.evidence_reference', row.evidence_reference_enc),
    },
    status: statusOf(row, now),
    withdrawal: row.withdrawal_id
      ? {
          at: iso(row.withdrawn_at!),
          channel: row.withdrawal_channel!,
          method: row.withdrawal_method,
          recordedBy: { type: row.withdrawn_by_type!, id: row.withdrawn_by_id },
        }
      : null,
    applied: acts.flatMap((act) =>
      services.map((service) => ({
        service,
        change: act.change,
        appliedAt: applications.find((a) => a.actId === act.id && a.service === service)?.appliedAt ?? null,
      })),
    ),
  };
}
