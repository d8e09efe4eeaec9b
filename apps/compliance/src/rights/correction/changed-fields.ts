import type { CustomerView, RightsCorrections } from '@lekha/contracts';

/** The fields a correction changed: those given whose value differs from the profile before. */
export function changedFields(changes: RightsCorrections, before: CustomerView): string[] {
  return Object.entries(changes)
    .filter(
      ([field, value]) =>
        JSON.stringify(value) !== JSON.stringify((before as unknown as Record<string, unknown>)[field]),
    )
    .map(([field]) => field);
}
