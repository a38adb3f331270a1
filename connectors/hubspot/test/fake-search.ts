/**
 * Test support: HubSpot's CRM search over an in-memory list, as the wire shows it — filter
 * groups OR'ed, filters AND'ed, `after` offsets, a 400 past the 10,000-result window.
 * `honour: 'first-sort'` applies only the first sort rule and leaves ties in `tieOrder`,
 * the way HubSpot may when it honours a single sort.
 */
export interface FakeRecord {
  id: string;
  properties: Record<string, string | null>;
}

export interface FakeSearchOptions {
  honour?: 'all-sorts' | 'first-sort';
  /** Order of records the applied sorts leave tied (default: by id). */
  tieOrder?: 'id' | 'reverse-id';
  window?: number;
}

interface Filter {
  propertyName: string;
  operator: string;
  value?: string;
  values?: string[];
}

export function fakeSearch(records: FakeRecord[], body: Record<string, unknown>, options: FakeSearchOptions = {}) {
  const window = options.window ?? 10_000;
  const limit = Math.min(Number(body.limit ?? 10), 200);
  const after = Number(body.after ?? 0);
  if (after >= window) {
    return {
      status: 400,
      body: {
        status: 'error',
        message: `Paging beyond ${window} results is not supported`,
        category: 'VALIDATION_ERROR',
        correlationId: 'fake',
      },
    };
  }
  const groups = (body.filterGroups ?? []) as { filters: Filter[] }[];
  const matched = records.filter(
    (r) => groups.length === 0 || groups.some((g) => g.filters.every((f) => matches(r, f))),
  );
  const sorts = ((body.sorts ?? []) as { propertyName: string; direction?: string }[]).slice(
    0,
    options.honour === 'first-sort' ? 1 : undefined,
  );
  const tie = options.tieOrder === 'reverse-id' ? -1 : 1;
  matched.sort((a, b) => {
    for (const s of sorts) {
      const d = compare(
        a.properties[s.propertyName] ?? prop(a, s.propertyName),
        b.properties[s.propertyName] ?? prop(b, s.propertyName),
      );
      if (d !== 0) return s.direction === 'DESCENDING' ? -d : d;
    }
    return tie * compare(a.id, b.id);
  });
  const names = (body.properties ?? []) as string[];
  const results = matched.slice(after, after + limit).map((r) => ({
    id: r.id,
    properties: Object.fromEntries(
      [...names, 'hs_object_id'].map((n) => [n, n === 'hs_object_id' ? r.id : (r.properties[n] ?? null)]),
    ),
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    archived: false,
  }));
  const next = after + limit < matched.length ? { next: { after: String(after + limit) } } : {};
  return { status: 200, body: { total: matched.length, results, ...(next.next ? { paging: next } : {}) } };
}

function prop(r: FakeRecord, name: string): string | null {
  return name === 'hs_object_id' ? r.id : null;
}

function matches(r: FakeRecord, f: Filter): boolean {
  const actual = f.propertyName === 'hs_object_id' ? r.id : (r.properties[f.propertyName] ?? null);
  if (actual === null) return false;
  const d = f.value === undefined ? 0 : compare(actual, f.value);
  switch (f.operator) {
    case 'EQ':
      return d === 0;
    case 'GT':
      return d > 0;
    case 'GTE':
      return d >= 0;
    case 'LT':
      return d < 0;
    case 'IN':
      return (f.values ?? []).includes(actual);
    default:
      throw new Error(`fake search: operator ${f.operator}`);
  }
}

/** Numbers (epoch ms, ids) compare as numbers, ISO dates as times. */
function compare(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  const x = toNumber(a);
  const y = toNumber(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function toNumber(v: string): number {
  return /^\d+$/.test(v) ? Number(v) : Date.parse(v);
}
