import { toId18 } from '@spoc/sandbox/kit';
import type { FieldDef, ObjectDef } from './schema.ts';
import { SoqlError, type Token } from './soql-lexer.ts';
import { type Condition, type FieldRef, type Literal, parseSoql } from './soql-parser.ts';
import { type Row, type SalesforceStore, toWire } from './store.ts';

/** A field path resolved against the schema: lookups to follow, then the field to read. */
interface ResolvedPath {
  lookups: FieldDef[];
  field: FieldDef;
}

/** What a SELECT returns, as a tree: plain fields and relationship objects with their own fields. */
type Projection = ProjectionNode[];
type ProjectionNode =
  | { kind: 'field'; field: FieldDef }
  | { kind: 'relation'; lookup: FieldDef; name: string; target: ObjectDef; children: Projection };

/** A query's result set, held by the cursor until paged through. */
export interface QueryResult {
  def: ObjectDef;
  rows: Row[];
  projection: Projection;
  /** SELECT COUNT(): totalSize only. */
  count: boolean;
}

const DAY = 86_400_000;

/** Parses, checks against the schema, filters (one pass) and sorts (once). */
export function runQuery(store: SalesforceStore, soql: string, now: number, includeDeleted: boolean): QueryResult {
  const query = parseSoql(soql);
  const table = store.table(query.from.name);
  if (!table) {
    throw new SoqlError(
      'INVALID_TYPE',
      `sObject type '${query.from.name}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
      query.from.at,
    );
  }
  const def = table.def;
  const resolve = (ref: FieldRef) => resolvePath(store, def, ref);

  const projection: Projection = [];
  for (const ref of query.fields) addToProjection(store, projection, resolve(ref));
  const predicate = query.where ? compileCondition(store, query.where, resolve, now) : undefined;

  // Without ORDER BY, rows come in table order, so a LIMIT can stop the scan early.
  const enough =
    query.orderBy.length === 0 && query.limit !== undefined && !query.count
      ? (query.offset ?? 0) + query.limit
      : Number.POSITIVE_INFINITY;
  let rows: Row[] = [];
  for (const row of table.order) {
    if (row.IsDeleted === true && !includeDeleted) continue;
    if (predicate && !predicate(row)) continue;
    rows.push(row);
    if (rows.length >= enough) break;
  }

  if (query.orderBy.length > 0) {
    const keys = query.orderBy.map((item) => {
      const path = resolve(item.field);
      return { read: reader(store, path), type: path.field.type, ...item };
    });
    // Decorate once, sort once: keys are computed N times, not N log N.
    const decorated = rows.map((row) => ({ row, values: keys.map((k) => sortKey(k.type, k.read(row))) }));
    decorated.sort((a, b) => {
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        const x = a.values[i];
        const y = b.values[i];
        if (!key || x === y) continue;
        if (x === null) return key.nullsLast ? 1 : -1;
        if (y === null) return key.nullsLast ? -1 : 1;
        const order = (x as number | string) < (y as number | string) ? -1 : 1;
        return key.descending ? -order : order;
      }
      return 0;
    });
    rows = decorated.map((d) => d.row);
  }
  const offset = query.offset ?? 0;
  if (offset > 0 || query.limit !== undefined) {
    rows = rows.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
  }
  return { def, rows, projection, count: query.count };
}

function sortKey(type: FieldDef['type'], value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && type !== 'id' && type !== 'reference') return value.toLowerCase();
  return value as string | number;
}

function resolvePath(store: SalesforceStore, root: ObjectDef, ref: FieldRef): ResolvedPath {
  const parts = ref.path.split('.');
  const lookups: FieldDef[] = [];
  let def = root;
  for (const part of parts.slice(0, -1)) {
    const lookup = def.byRelationship.get(part.toLowerCase());
    const target = lookup?.referenceTo ? store.schema.get(lookup.referenceTo.toLowerCase()) : undefined;
    if (!lookup || !target) {
      throw new SoqlError(
        'INVALID_FIELD',
        `Didn't understand relationship '${part}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
        ref.at,
      );
    }
    lookups.push(lookup);
    def = target;
  }
  const last = parts[parts.length - 1] ?? '';
  const field = def.byName.get(last.toLowerCase());
  if (!field) {
    throw new SoqlError(
      'INVALID_FIELD',
      `No such column '${last}' on entity '${def.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      ref.at,
    );
  }
  return { lookups, field };
}

/** Follows the lookups (null when one is empty or dangling) and reads the stored value. */
function reader(store: SalesforceStore, path: ResolvedPath): (row: Row) => unknown {
  const { lookups, field } = path;
  if (lookups.length === 0) return (row) => row[field.name] ?? null;
  return (row) => {
    let current: Row | undefined = row;
    for (const lookup of lookups) {
      const id: unknown = current[lookup.name];
      current = typeof id === 'string' ? store.get(lookup.referenceTo ?? '', id) : undefined;
      if (!current) return null;
    }
    return current[field.name] ?? null;
  };
}

function addToProjection(store: SalesforceStore, projection: Projection, path: ResolvedPath): void {
  let level = projection;
  for (const lookup of path.lookups) {
    const name = lookup.relationshipName ?? lookup.name;
    let node = level.find(
      (n): n is Extract<ProjectionNode, { kind: 'relation' }> => n.kind === 'relation' && n.name === name,
    );
    if (!node) {
      const target = store.schema.get((lookup.referenceTo ?? '').toLowerCase()) as ObjectDef;
      node = { kind: 'relation', lookup, name, target, children: [] };
      level.push(node);
    }
    level = node.children;
  }
  if (!level.some((n) => n.kind === 'field' && n.field === path.field))
    level.push({ kind: 'field', field: path.field });
}

/** One record as the query returns it: attributes, then the selected fields in SELECT order. */
export function projectRow(
  store: SalesforceStore,
  def: ObjectDef,
  row: Row,
  projection: Projection,
  version: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    attributes: { type: def.name, url: `/services/data/${version}/sobjects/${def.name}/${row.Id as string}` },
  };
  for (const node of projection) {
    if (node.kind === 'field') {
      out[node.field.name] = toWire(node.field, row[node.field.name]);
      continue;
    }
    const id = row[node.lookup.name];
    const target = typeof id === 'string' ? store.get(node.target.name, id) : undefined;
    out[node.name] = target ? projectRow(store, node.target, target, node.children, version) : null;
  }
  return out;
}

type Predicate = (row: Row) => boolean;

function compileCondition(
  store: SalesforceStore,
  condition: Condition,
  resolve: (ref: FieldRef) => ResolvedPath,
  now: number,
): Predicate {
  switch (condition.kind) {
    case 'and': {
      const items = condition.items.map((c) => compileCondition(store, c, resolve, now));
      return (row) => items.every((p) => p(row));
    }
    case 'or': {
      const items = condition.items.map((c) => compileCondition(store, c, resolve, now));
      return (row) => items.some((p) => p(row));
    }
    case 'not': {
      const inner = compileCondition(store, condition.item, resolve, now);
      return (row) => !inner(row);
    }
    case 'like': {
      const path = resolve(condition.field);
      if (!isText(path.field)) {
        throw new SoqlError(
          'INVALID_QUERY_FILTER_OPERATOR',
          `invalid operator on ${path.field.type} field: LIKE`,
          condition.field.at,
        );
      }
      const read = reader(store, path);
      const pattern = likeRegex(condition.pattern);
      return (row) => {
        const value = read(row);
        return typeof value === 'string' && pattern.test(value);
      };
    }
    case 'in': {
      const path = resolve(condition.field);
      const read = reader(store, path);
      const wanted = new Set(condition.values.map((v) => comparable(path.field, v, condition.at, now)));
      const hasNull = wanted.has(null);
      return (row) => {
        const value = normalise(path.field, read(row));
        const hit = value === null ? hasNull : wanted.has(value);
        return condition.negate ? !hit : hit;
      };
    }
    case 'compare': {
      const path = resolve(condition.field);
      const read = reader(store, path);
      const { op, value: literal, at } = condition;
      if (literal.kind === 'dateLiteral') return compileDateRange(path.field, read, op, literal, at, now);
      const target = comparable(path.field, literal, at, now);
      if (target === null) {
        if (op !== '=' && op !== '!=') throw new SoqlError('MALFORMED_QUERY', `unexpected token: 'null'`, at);
        return op === '=' ? (row) => read(row) === null : (row) => read(row) !== null;
      }
      return (row) => {
        const value = normalise(path.field, read(row));
        if (value === null) return op === '!=';
        return compare(value, op, target);
      };
    }
  }
}

function compare(value: string | number | boolean, op: string, target: string | number | boolean): boolean {
  switch (op) {
    case '=':
      return value === target;
    case '!=':
      return value !== target;
    case '<':
      return value < target;
    case '<=':
      return value <= target;
    case '>':
      return value > target;
    default:
      return value >= target;
  }
}

function isText(field: FieldDef): boolean {
  return ['string', 'email', 'url', 'phone', 'textarea', 'picklist', 'id', 'reference'].includes(field.type);
}

/** Stored value → the form filters compare: text case-insensitively, ids exactly. */
function normalise(field: FieldDef, value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' && field.type !== 'id' && field.type !== 'reference') return value.toLowerCase();
  return value as string | number | boolean;
}

/** A literal checked against the field's type (Salesforce rejects quoted datetimes and the like). */
function comparable(field: FieldDef, literal: Literal, at: Token, _now: number): string | number | boolean | null {
  const wrongType = (kind: string) =>
    new SoqlError(
      'INVALID_QUERY_FILTER_OPERATOR',
      `value of filter criterion for field '${field.name}' must be of type ${kind} and should not be enclosed in quotes`,
      at,
    );
  if (literal.kind === 'null') return null;
  switch (field.type) {
    case 'datetime':
      if (literal.kind !== 'datetime') throw wrongType('dateTime');
      return literal.value;
    case 'date':
      if (literal.kind !== 'date') throw wrongType('date');
      return literal.value;
    case 'boolean':
      if (literal.kind !== 'boolean') throw wrongType('boolean');
      return literal.value;
    case 'double':
      if (literal.kind !== 'number') throw wrongType('double');
      return literal.value;
    case 'id':
    case 'reference':
      if (literal.kind !== 'string') throw wrongType('string');
      return toId18(literal.value);
    default:
      if (literal.kind !== 'string') throw wrongType('string');
      return literal.value.toLowerCase();
  }
}

function likeRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] ?? '';
    if (ch === '\\' && (pattern[i + 1] === '%' || pattern[i + 1] === '_')) {
      source += pattern[i + 1];
      i++;
    } else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'is');
}

/** TODAY, LAST_N_DAYS:n… as a [start, end) range of UTC days (the org's time zone is UTC here). */
function compileDateRange(
  field: FieldDef,
  read: (row: Row) => unknown,
  op: string,
  literal: Extract<Literal, { kind: 'dateLiteral' }>,
  at: Token,
  now: number,
): Predicate {
  if (field.type !== 'datetime' && field.type !== 'date') {
    throw new SoqlError(
      'INVALID_QUERY_FILTER_OPERATOR',
      `value of filter criterion for field '${field.name}' must be of type ${field.type} and should not be enclosed in quotes`,
      at,
    );
  }
  const today = Math.floor(now / DAY) * DAY;
  const n = literal.n;
  const ranges: Record<string, [number, number]> = {
    TODAY: [today, today + DAY],
    YESTERDAY: [today - DAY, today],
    TOMORROW: [today + DAY, today + 2 * DAY],
    LAST_N_DAYS: [today - n * DAY, today + DAY],
    NEXT_N_DAYS: [today + DAY, today + (n + 1) * DAY],
    N_DAYS_AGO: [today - n * DAY, today - (n - 1) * DAY],
  };
  const range = ranges[literal.name];
  if (!range) throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${literal.name}'`, at);
  const [start, end] = range;
  return (row) => {
    const value = read(row);
    if (typeof value !== 'number') return op === '!=';
    switch (op) {
      case '=':
        return value >= start && value < end;
      case '!=':
        return value < start || value >= end;
      case '<':
        return value < start;
      case '<=':
        return value < end;
      case '>':
        return value >= end;
      default:
        return value >= start;
    }
  };
}
