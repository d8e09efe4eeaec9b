// `max` metadata: getType() (which tells a mobile from a landline) needs it, and validation checks
// the numbering plan's ranges rather than lengths alone. Its size does not matter on a server.
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

const FORMATTING = /[\s\-().]/g;
/**
 * An Indian mobile number already in E.164: its own normal form whichever way the numbering plan rules
 * (a valid number formats to itself; one outside the plan's ranges falls to the earlier rule, which keeps
 * a `+` and 8–15 digits as they are). The common case skips the parse (a send, a receipt, every request
 * that names a number).
 */
const INDIAN_E164_MOBILE = /^\+91[6-9]\d{9}$/;

/**
 * Normalises a phone number to E.164. Indian numbers are accepted as people type them
 * ("98765 43210", "098765-43210", "+91 98765 43210", "919876543210", "+91 0 98765 43210",
 * "0091 98765 43210", landlines with their STD code after a 0 or +91) and parsed with the
 * numbering plan, so every spelling of one number gives one form; others need a leading +.
 * Returns null when the input cannot be a phone number.
 *
 * Blind indexes are computed over this form, so it must not change for a number that already had
 * one: every spelling accepted before keeps its form, except the trunk 0 after +91, which used to
 * give a different number (see `phoneLookupForms`).
 */
export function normalizePhone(input: string): string | null {
  const compact = input.trim().replace(FORMATTING, '');
  if (INDIAN_E164_MOBILE.test(compact)) return compact;
  if (!/^\+?\d+$/.test(compact)) return null;
  return indianNumber(compact) ?? earlierRule(compact);
}

/**
 * Every form under which a normalised number may have been stored: itself and, for a valid Indian
 * number, the form earlier versions gave it when written with the trunk 0 after +91 (`+910…`).
 * Look-ups (sign-in, codes, customer search and duplicate checks) match any of them.
 */
export function phoneLookupForms(phone: string): string[] {
  const forms = [phone];
  if (phone.startsWith('+91') && !phone.startsWith('+910')) {
    const parsed = parsePhoneNumberFromString(phone);
    if (parsed?.country === 'IN' && parsed.isValid()) forms.push(`+910${phone.slice(3)}`);
  }
  return forms;
}

/** A valid Indian number in E.164, or null. Written bare (no 0, 00 or +), only a mobile is taken. */
function indianNumber(compact: string): string | null {
  const parsed = parsePhoneNumberFromString(compact, { defaultCountry: 'IN' });
  if (!parsed || parsed.country !== 'IN' || !parsed.isValid()) return null;
  const bare = !compact.startsWith('+') && !compact.startsWith('0');
  if (bare && !['MOBILE', 'FIXED_LINE_OR_MOBILE'].includes(parsed.getType() ?? '')) return null;
  return parsed.number;
}

/** The rule before the numbering plan was used: kept so that no stored form changes. */
function earlierRule(compact: string): string | null {
  const plus = compact.startsWith('+');
  const digits = compact.replace(/^\+/, '');
  if (plus) return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : null;
  if (/^[6-9]\d{9}$/.test(digits)) return `+91${digits}`;
  if (/^0[6-9]\d{9}$/.test(digits)) return `+91${digits.slice(1)}`;
  if (/^91[6-9]\d{9}$/.test(digits)) return `+${digits}`;
  return null;
}
