import { compareIds } from './ids.ts';
import type { ObjectType } from './schema.ts';
import type { CrmObject } from './store.ts';

/** HubSpot's caps on one search request. */
export const SEARCH_LIMITS = { groups: 5, filtersPerGroup: 6, filters: 18, sorts: 1, limit: 200, window: 10_000 };

const OPERATORS = new Set([
  'EQ',
  'NEQ',
  'LT',
  'LTE',
  'GT',
  'GTE',
  'BETWEEN',
  'IN',
  'NOT_IN',
  'HAS_PROPERTY',
  'NOT_HAS_PROPERTY',
  'CONTAINS_TOKEN',
  'NOT_CONTAINS_TOKEN',
]);

/** Properties the free-text `query` looks in, per type. */
const QUERY_PROPERTIES: Record<ObjectType, string[]> = {
  companies: ['name', 'domain', 'website', 'phone'],
  contacts: ['firstname', 'lastname', 'email', 'phone', 'company'],
};

/** A value as search compares it: as a number (numbers, epoch ms, ISO datetimes) when it is one, else as text. */
interface Operand {
  num: number | null;
  text: string;
}

interface Filter {
  property: string;
  operator: string;
  value: Operand;
  values: Operand[];
  high: Operand;
  pattern: RegExp | null;
}

interface SortKey {
  property: string;
  descending: boolean;
}

/** A validated search request. */
export interface SearchRequest {
  groups: Filter[][];
  sorts: SortKey[];
  query: string | null;
  properties: string[];
  limit: number;
  after: number;
  /** Identifies the result set (not the page), so paging can reuse one sorted result. */
  key: string;
}

/** Parses and checks a search body; a string is HubSpot's VALIDATION_ERROR message. */
export function parseSearch(raw: unknown): SearchRequest | string {
  const body = (raw ?? {}) as Record<string, unknown>;
  if (typeof body !== 'object' || Array.isArray(body)) return 'Invalid input JSON: expected an object';
  const rawGroups = Array.isArray(body.filterGroups) ? (body.filterGroups as { filters?: unknown }[]) : [];
  if (rawGroups.length > SEARCH_LIMITS.groups) {
    return `Too many filter groups: ${rawGroups.length}. The maximum is ${SEARCH_LIMITS.groups}.`;
  }
  const groups: Filter[][] = [];
  let total = 0;
  for (const group of rawGroups) {
    const filters = Array.isArray(group?.filters) ? (group.filters as Record<string, unknown>[]) : [];
    if (filters.length > SEARCH_LIMITS.filtersPerGroup) {
      return `Too many filters in a filter group: ${filters.length}. The maximum is ${SEARCH_LIMITS.filtersPerGroup}.`;
    }
    total += filters.length;
    const compiled: Filter[] = [];
    for (const f of filters) {
      const filter = compileFilter(f);
      if (typeof filter === 'string') return filter;
      compiled.push(filter);
    }
    if (compiled.length > 0) groups.push(compiled);
  }
  if (total > SEARCH_LIMITS.filters) return `Too many filters: ${total}. The maximum is ${SEARCH_LIMITS.filters}.`;

  const limit = body.limit === undefined || body.limit === null ? 10 : Number(body.limit);
  if (!Number.isInteger(limit) || limit < 0) return `limit must be a non-negative integer, got ${String(body.limit)}`;
  if (limit > SEARCH_LIMITS.limit) return `limit must be at most ${SEARCH_LIMITS.limit}, got ${limit}`;
  const afterRaw = body.after === undefined || body.after === null || body.after === '' ? '0' : String(body.after);
  if (!/^\d+$/.test(afterRaw)) return `after must be a non-negative integer, got ${afterRaw}`;
  const after = Number(afterRaw);

  const rawSorts = Array.isArray(body.sorts) ? body.sorts : [];
  // "You can only use one sorting rule" (https://developers.hubspot.com/docs/api/crm/search#sort-search-results).
  if (rawSorts.length > SEARCH_LIMITS.sorts) {
    return `Too many sorts: ${rawSorts.length}. A search accepts ${SEARCH_LIMITS.sorts} sort rule.`;
  }
  const sorts: SortKey[] = [];
  for (const s of rawSorts) {
    const sort = sortKey(s);
    if (!sort) return `Invalid sort: ${JSON.stringify(s)}`;
    sorts.push(sort);
  }
  const query = typeof body.query === 'string' && body.query.trim() !== '' ? body.query.trim().toLowerCase() : null;
  const properties = Array.isArray(body.properties) ? body.properties.map(String) : [];
  const key = JSON.stringify([body.filterGroups ?? null, sorts, query]);
  return { groups, sorts, query, properties, limit, after, key };
}

/**
 * Every live record matching the request, sorted: filter groups OR'ed, filters AND'ed;
 * by the requested sorts, then by id (HubSpot's default order).
 */
export function runSearch(objects: readonly CrmObject[], type: ObjectType, request: SearchRequest): CrmObject[] {
  const matched: CrmObject[] = [];
  for (const o of objects) {
    if (o.archived) continue;
    if (request.groups.length > 0 && !request.groups.some((g) => g.every((f) => matches(o, f)))) continue;
    if (request.query !== null && !matchesQuery(o, type, request.query)) continue;
    matched.push(o);
  }
  if (request.sorts.length === 0) return matched.sort((a, b) => compareIds(a.id, b.id));
  // Sort keys are computed once per record, not once per comparison.
  const keyed = matched.map((o) => ({ o, keys: request.sorts.map((s) => operandOrNull(propertyOf(o, s.property))) }));
  keyed.sort((a, b) => {
    for (const [i, sort] of request.sorts.entries()) {
      const d = compareNullable(a.keys[i] ?? null, b.keys[i] ?? null);
      if (d !== 0) return sort.descending ? -d : d;
    }
    return compareIds(a.o.id, b.o.id);
  });
  return keyed.map((k) => k.o);
}

function compileFilter(f: Record<string, unknown>): Filter | string {
  const property = typeof f.propertyName === 'string' ? f.propertyName : '';
  const operator = typeof f.operator === 'string' ? f.operator : 'EQ';
  if (property === '') return 'Each filter needs a propertyName';
  if (!OPERATORS.has(operator)) return `Unknown operator ${operator} for property ${property}`;
  const values = Array.isArray(f.values) ? f.values.map((v) => operand(String(v), false)) : [];
  const needsValue = !['HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'IN', 'NOT_IN'].includes(operator);
  if (needsValue && (f.value === undefined || f.value === null)) {
    return `Filter on ${property} with operator ${operator} needs a value`;
  }
  if (operator === 'BETWEEN' && (f.highValue === undefined || f.highValue === null)) {
    return `Filter on ${property} with operator BETWEEN needs a highValue`;
  }
  const raw = f.value === undefined || f.value === null ? '' : String(f.value);
  return {
    property,
    operator,
    value: operand(raw, true),
    values,
    high: operand(String(f.highValue ?? ''), true),
    pattern: operator.endsWith('CONTAINS_TOKEN') ? tokenPattern(raw) : null,
  };
}

function sortKey(s: unknown): SortKey | null {
  if (typeof s === 'string') {
    // The SDK types sorts as strings: a property name ("-name" descending) or a JSON object.
    if (s.startsWith('{')) {
      try {
        return sortKey(JSON.parse(s));
      } catch {
        return null;
      }
    }
    return s.startsWith('-') ? { property: s.slice(1), descending: true } : { property: s, descending: false };
  }
  if (s && typeof s === 'object' && typeof (s as { propertyName?: unknown }).propertyName === 'string') {
    const { propertyName, direction } = s as { propertyName: string; direction?: string };
    return { property: propertyName, descending: direction === 'DESCENDING' };
  }
  return null;
}

function propertyOf(o: CrmObject, property: string): string | null {
  if (property === 'hs_object_id') return o.id;
  const v = o.properties[property];
  return v === undefined || v === '' ? null : v;
}

function matches(o: CrmObject, f: Filter): boolean {
  const raw = propertyOf(o, f.property);
  switch (f.operator) {
    case 'HAS_PROPERTY':
      return raw !== null;
    case 'NOT_HAS_PROPERTY':
      return raw === null;
    case 'NEQ':
      return raw === null || compare(operand(raw, true), f.value) !== 0;
    case 'NOT_IN':
      return raw === null || !f.values.some((v) => compare(operand(raw, true), v) === 0);
    case 'NOT_CONTAINS_TOKEN':
      return raw === null || !containsToken(raw, f.pattern);
  }
  if (raw === null) return false;
  const v = operand(raw, true);
  switch (f.operator) {
    case 'EQ':
      return compare(v, f.value) === 0;
    case 'GT':
      return compare(v, f.value) > 0;
    case 'GTE':
      return compare(v, f.value) >= 0;
    case 'LT':
      return compare(v, f.value) < 0;
    case 'LTE':
      return compare(v, f.value) <= 0;
    case 'BETWEEN':
      return compare(v, f.value) >= 0 && compare(v, f.high) <= 0;
    // HubSpot: IN values for text properties must be lower-case; stored text compares lower-cased.
    case 'IN':
      return f.values.some((x) => compare(v, x) === 0);
    case 'CONTAINS_TOKEN':
      return containsToken(raw, f.pattern);
    default:
      return false;
  }
}

function matchesQuery(o: CrmObject, type: ObjectType, query: string): boolean {
  return QUERY_PROPERTIES[type].some((p) => o.properties[p]?.toLowerCase().includes(query));
}

/**
 * Numbers, epoch milliseconds and ISO datetimes become numbers (a client's
 * "1767225600000" and a stored "2026-01-01T00:00:00.000Z" compare as times); other
 * values compare as text, case-insensitively (`fold` false keeps IN values as sent).
 */
function operand(raw: string, fold: boolean): Operand {
  const text = fold ? raw.toLowerCase() : raw;
  if (/^-?\d+(\.\d+)?$/.test(raw)) return { num: Number(raw), text };
  if (/^\d{4}-\d{2}-\d{2}(T|$)/.test(raw)) {
    const t = Date.parse(raw);
    if (!Number.isNaN(t)) return { num: t, text };
  }
  return { num: null, text };
}

function operandOrNull(raw: string | null): Operand | null {
  return raw === null ? null : operand(raw, true);
}

function compare(a: Operand, b: Operand): number {
  if (a.num !== null && b.num !== null) return a.num - b.num;
  return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
}

/** Records without the property sort first ascending (last descending). */
function compareNullable(a: Operand | null, b: Operand | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return compare(a, b);
}

/** CONTAINS_TOKEN: a whole word of the value, `*` as a wildcard. */
function tokenPattern(value: string): RegExp {
  const source = value
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`);
}

function containsToken(raw: string, pattern: RegExp | null): boolean {
  if (!pattern) return false;
  const lower = raw.toLowerCase();
  return pattern.test(lower) || lower.split(/[\s,;:@.\-_/]+/).some((token) => pattern.test(token));
}
