/**
 * The one CSV cell writer of the gateway (customer export, audit export), safe to open in a
 * spreadsheet (CSV injection). A spreadsheet runs a cell as a formula when its first character,
 * after any blanks, is = + - @ (or a tab or CR). A spreadsheet in a locale whose list separator is
 * `;` also splits an unquoted comma-separated line at every `;`, so each `;`-separated part of a
 * cell is a cell start too. Every such part gets a leading apostrophe (shown as text, removed
 * again by `unneutralise` on import), and a cell holding `;` is quoted.
 */

/** A part that a spreadsheet would run, or one already escaped by apostrophes (so the escape round-trips). */
const LIVE = /^'*(?:\s*[=+\-@＝＋－＠]|[\t\r])/u;

export function neutraliseFormulas(value: string): string {
  return value
    .split(';')
    .map((part) => (LIVE.test(part) ? `'${part}` : part))
    .join(';');
}

/** Undoes `neutraliseFormulas` exactly, so an exported file imports as it was. */
export function unneutralise(value: string): string {
  const restore = (part: string) => (part.startsWith("'") && LIVE.test(part.slice(1)) ? part.slice(1) : part);
  return value.split(';').map(restore).join(';');
}

/** One cell: neutralised, then quoted when it holds a quote, comma, semicolon, apostrophe or line break. */
export function csvCell(value: string | null | undefined): string {
  const v = neutraliseFormulas(value ?? '');
  return /[",;\n\r']/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}
