/** A page size from the query: default when absent, capped at the endpoint's maximum, null when not a number. */
export function pageSize(raw: string | null, fallback: number, max: number): number | null {
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) return null;
  const n = Number(raw);
  return n === 0 ? fallback : Math.min(n, max);
}
