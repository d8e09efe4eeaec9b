/**
 * Text a tenant or a person chose (a business name, a user agent) that goes into a message the
 * platform sends under its own name. It is never the start of a message, and what is put inside
 * one is defanged first: links, email addresses and phone numbers are removed (so nobody can send
 * "call this number" or "open this link" under the platform's sender), as are control, bidi and
 * invisible characters and quotes; the rest is capped and put in quotes.
 */

/** Longest name kept inside a message, quotes not counted. */
export const QUOTED_NAME_MAX = 40;

const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;
const URL_LIKE = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S*/giu;
const EMAIL_LIKE = /\S+@\S+/gu;
// A host name: labels joined by dots, ending in letters (evil.in, bit.ly/x, pay-now.example.com).
const HOST_LIKE = /(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}{2,}(?:[/:?#]\S*)?/gu;
// Seven or more digits, however spaced or punctuated (+91 98765 43210, 98765-43210, (022) 2345 6789);
// dots do not join groups, so a version number (Chrome/124.0.6367.91) is left alone.
const PHONE_LIKE = /\+?\(?\d(?:[\d\s()\-/]*\d){6,}\)?/gu;
// Double quotes of every kind (the name is put in “ ” and must not close them), backticks, angle brackets.
const QUOTES = /["`«»“”„‟‘‚‛<>\\]/gu;

/** The defanged text alone (no quotes added); empty when nothing is left. */
export function defang(raw: string, max = QUOTED_NAME_MAX): string {
  const text = raw
    .normalize('NFKC')
    .replace(INVISIBLE, ' ')
    .replace(URL_LIKE, ' ')
    .replace(EMAIL_LIKE, ' ')
    .replace(HOST_LIKE, ' ')
    .replace(PHONE_LIKE, ' ')
    .replace(QUOTES, ' ')
    .replace(/\s+/gu, ' ')
    .trim();
  const chars = [...text];
  if (chars.length <= max) return text;
  const head = chars.slice(0, max - 1).join('');
  const cut = head.lastIndexOf(' ');
  return `${(cut > max / 2 ? head.slice(0, cut) : head).trimEnd()}…`;
}

/** Longest device description (a user agent) kept inside a security alert. */
export const QUOTED_DEVICE_MAX = 80;

/** `“Name”` for use inside a platform message, or `fallback` when nothing safe is left. */
export function quotedName(raw: string | null | undefined, fallback: string, max = QUOTED_NAME_MAX): string {
  const name = defang(raw ?? '', max);
  return name ? `“${name}”` : fallback;
}
