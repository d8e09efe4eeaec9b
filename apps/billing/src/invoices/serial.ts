import { BillingError, FeatureError } from '@lekha/contracts';
import type { FinancialYear } from './financial-year.js';

/** CGST Rule 46(b): at most 16 characters, letters, digits, `-` and `/` (starting with a letter or digit). */
export const RULE_46_SERIAL = /^[A-Za-z0-9][A-Za-z0-9/-]{0,15}$/;
/** The e-invoice schema also refuses a document number starting with 0. */
const PREFIX = /^[A-Za-z1-9][A-Za-z0-9]{0,3}$/;

/**
 * A serial of a series: `<prefix>/<yy-yy>/<number>`, the number zero-padded to five digits
 * (`LK/26-27/00042`). A prefix of up to 4 characters keeps 99,999 documents a year within 16
 * characters; past that the number grows while the serial still fits, and refuses beyond.
 */
export function formatSerial(prefix: string, fy: FinancialYear, n: number): string {
  if (!PREFIX.test(prefix))
    throw new FeatureError(
      BillingError.SerialInvalid,
      'a series prefix is 1 to 4 letters or digits, not starting with 0',
    );
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`formatSerial: not a serial number: ${n}`);
  const serial = `${prefix}/${fy.short}/${String(n).padStart(5, '0')}`;
  if (!RULE_46_SERIAL.test(serial))
    throw new FeatureError(BillingError.SerialInvalid, `serial ${serial} would exceed 16 characters`);
  return serial;
}

/** Checks a prefix once (at start), so that a bad configuration fails before any invoice. */
export function checkPrefix(prefix: string, fy: FinancialYear): void {
  formatSerial(prefix, fy, 99_999);
}
