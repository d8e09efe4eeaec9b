import type { FieldCipher } from '@lekha/crypto';
import { maskEmail, maskPhone } from '@lekha/tenancy';

/** The tenant-keyed blind index of a recipient (an E.164 phone or a lower-case email). */
export function recipientIndex(cipher: FieldCipher, address: string): string {
  return cipher.index('recipient', address)!;
}

/** What lists and views show of a recipient. */
export function maskRecipient(address: string): string {
  return address.includes('@') ? maskEmail(address) : maskPhone(address);
}

/** The audit category of a recipient. */
export function recipientCategory(address: string): string {
  return address.includes('@') ? 'user.contact.email' : 'user.contact.phone';
}

/** Audit fields a message's access touches. */
export function messageFields(address: string): { name: string; category: string }[] {
  return [
    { name: 'recipient', category: recipientCategory(address) },
    { name: 'body', category: 'user.communication' },
  ];
}
