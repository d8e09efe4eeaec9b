/**
 * A PostgreSQL array literal of text values (`{"a","b"}`) for one `?::uuid[]` or `?::text[]` parameter: a
 * list of any length in one parameter, and (unlike a JSON list taken apart by `jsonb_array_elements`, which
 * the planner guesses at 100 rows) `id = any(?::uuid[])` and `unnest(?::uuid[])` tell the planner how many
 * values there are, so a lookup of a few rows stays an index scan however large and however freshly grown
 * the table.
 */
export function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}
