import type { CrmObject } from './store.ts';

/** The CRM search request body (POST /crm/v3/objects/{type}/search). */
export interface SearchBody {
  filterGroups?: { filters?: Filter[] }[];
  sorts?: (string | { propertyName: string; direction?: 'ASCENDING' | 'DESCENDING' })[];
  properties?: string[];
  limit?: number;
  after?: string | number;
}

interface Filter {
  propertyName: string;
  operator: string;
  value?: string | number;
  values?: (string | number)[];
  highValue?: string | number;
}

/** HubSpot's own caps on a search request. */
export const SEARCH_LIMITS = { groups: 5, filtersPerGroup: 6, filters: 18, limit: 200, window: 10_000 };

export function validateSearch(body: SearchBody): string | null {
  const groups = body.filterGroups ?? [];
  if (groups.length > SEARCH_LIMITS.groups) return `Too many filter groups (max ${SEARCH_LIMITS.groups})`;
  let total = 0;
  for (const g of groups) {
    const n = g.filters?.length ?? 0;
    if (n > SEARCH_LIMITS.filtersPerGroup) return `Too many filters in a group (max ${SEARCH_LIMITS.filtersPerGroup})`;
    total += n;
  }
  if (total > SEARCH_LIMITS.filters) return `Too many filters (max ${SEARCH_LIMITS.filters})`;
  if ((body.limit ?? 10) > SEARCH_LIMITS.limit) return `limit must be at most ${SEARCH_LIMITS.limit}`;
  return null;
}

/** Filter groups are OR'ed, filters within a group AND'ed; then sorted (default: id ascending). */
export function runSearch(objects: CrmObject[], body: SearchBody): CrmObject[] {
  const groups = (body.filterGroups ?? []).filter((g) => (g.filters ?? []).length > 0);
  const matched =
    groups.length === 0
      ? [...objects]
      : objects.filter((o) => groups.some((g) => (g.filters ?? []).every((f) => matches(o, f))));
  const sorts = (body.sorts ?? []).map((s) =>
    typeof s === 'string' ? { propertyName: s, direction: 'ASCENDING' } : s,
  );
  const keys = sorts.length > 0 ? sorts : [{ propertyName: 'hs_object_id', direction: 'ASCENDING' }];
  return matched.sort((a, b) => {
    for (const key of keys) {
      const d = compare(propertyValue(a, key.propertyName), propertyValue(b, key.propertyName));
      if (d !== 0) return key.direction === 'DESCENDING' ? -d : d;
    }
    return compare(Number(a.id), Number(b.id));
  });
}

function propertyValue(o: CrmObject, property: string): string | null {
  if (property === 'hs_object_id') return o.id;
  return o.properties[property] ?? null;
}

function matches(o: CrmObject, f: Filter): boolean {
  const v = propertyValue(o, f.propertyName);
  switch (f.operator) {
    case 'HAS_PROPERTY':
      return v !== null && v !== '';
    case 'NOT_HAS_PROPERTY':
      return v === null || v === '';
    case 'IN':
      return v !== null && (f.values ?? []).some((x) => compare(v, String(x)) === 0);
    case 'NOT_IN':
      return v === null || !(f.values ?? []).some((x) => compare(v, String(x)) === 0);
    case 'BETWEEN':
      return v !== null && compare(v, String(f.value)) >= 0 && compare(v, String(f.highValue)) <= 0;
  }
  if (v === null) return f.operator === 'NEQ';
  const d = compare(v, String(f.value));
  switch (f.operator) {
    case 'EQ':
      return d === 0;
    case 'NEQ':
      return d !== 0;
    case 'GT':
      return d > 0;
    case 'GTE':
      return d >= 0;
    case 'LT':
      return d < 0;
    case 'LTE':
      return d <= 0;
    default:
      return false;
  }
}

/** Numbers and datetimes (ISO or epoch milliseconds) compare as time/number, the rest as text. */
function compare(a: string | number | null, b: string | number | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const x = comparable(a);
  const y = comparable(b);
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return String(a).localeCompare(String(b));
}

function comparable(v: string | number): string | number {
  if (typeof v === 'number') return v;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  if (/^\d{4}-\d{2}-\d{2}T/.test(v)) {
    const t = Date.parse(v);
    if (!Number.isNaN(t)) return t;
  }
  return v;
}
