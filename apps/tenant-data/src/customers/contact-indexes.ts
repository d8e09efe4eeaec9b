import { phoneLookupForms } from '@lekha/contracts';
import type { FieldCipher } from '@lekha/crypto';

/**
 * Every blind index a customer's phone may be stored under: its current normal form first, then
 * the form earlier versions gave the same number written with a trunk 0 after +91.
 */
export function phoneIndexes(cipher: FieldCipher, phone: string): string[] {
  return phoneLookupForms(phone).map((p) => cipher.index('phone', p)!);
}
