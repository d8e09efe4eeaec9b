/** India Standard Time is UTC+05:30 all year (no daylight saving). */
const IST_OFFSET_MS = 330 * 60_000;

export interface FinancialYear {
  /** The calendar year the financial year starts in (1 April, IST). */
  startYear: number;
  /** `2026-27`. */
  label: string;
  /** `26-27`, as it appears in serials. */
  short: string;
}

/** The calendar date (in IST) of an instant. */
export function istDate(at: Date): { year: number; month: number; day: number } {
  const ist = new Date(at.getTime() + IST_OFFSET_MS);
  return { year: ist.getUTCFullYear(), month: ist.getUTCMonth() + 1, day: ist.getUTCDate() };
}

/** The Indian financial year (April–March, dates taken in IST) an instant falls in. */
export function financialYearOf(at: Date): FinancialYear {
  const { year, month } = istDate(at);
  const startYear = month >= 4 ? year : year - 1;
  const next = String((startYear + 1) % 100).padStart(2, '0');
  return {
    startYear,
    label: `${startYear}-${next}`,
    short: `${String(startYear % 100).padStart(2, '0')}-${next}`,
  };
}

/** `dd/mm/yyyy` in IST, as the e-invoice and the printed invoice show dates. */
export function istDateString(at: Date): string {
  const { year, month, day } = istDate(at);
  return `${String(day).padStart(2, '0')}/${String(month).padStart(2, '0')}/${year}`;
}
