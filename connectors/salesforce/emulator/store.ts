import { type SalesforceSeed, toId18, type VendorRecord } from '@spoc/sandbox/kit';
import { formatDate, formatDateTime, parseDate, parseDateTime } from './datetime.ts';
import { isIdShaped, makeId } from './ids.ts';
import { buildSchema, type FieldDef, OBJECT_NAMES, type ObjectDef, type Schema, seededRecords } from './schema.ts';

/** A record as stored: canonical field names; datetimes and dates as epoch ms; ids in 18-char form. */
export type Row = Record<string, unknown>;

export interface Table {
  def: ObjectDef;
  /** Every record by 18-char id, deleted ones too (IsDeleted true) so writes can say ENTITY_IS_DELETED. */
  rows: Map<string, Row>;
  /** Insertion order: the order queries without ORDER BY return. */
  order: Row[];
  /** When each deleted id was deleted, for /deleted. */
  deletedAt: Map<string, number>;
  nextId: number;
}

/** The emulated org: three tables built from a deep copy of the seed (the seed itself is never mutated). */
export class SalesforceStore {
  readonly schema: Schema;
  private tables = new Map<string, Table>();
  private readonly seed: SalesforceSeed | undefined;
  private readonly now: () => number;

  constructor(seed: SalesforceSeed | undefined, now: () => number) {
    this.seed = seed;
    this.now = now;
    this.schema = buildSchema(seed);
    this.reset();
  }

  reset(): void {
    const loadedAt = this.now();
    this.tables = new Map();
    for (const name of OBJECT_NAMES) {
      const def = this.schema.get(name.toLowerCase());
      if (!def) continue;
      const table: Table = { def, rows: new Map(), order: [], deletedAt: new Map(), nextId: 1 };
      for (const record of seededRecords(this.seed, name)) {
        const row = toRow(def, record, loadedAt);
        if (typeof row.Id !== 'string' || !isIdShaped(row.Id)) row.Id = this.newId(table);
        table.rows.set(row.Id as string, row);
        table.order.push(row);
      }
      this.tables.set(name.toLowerCase(), table);
    }
  }

  /** Case-insensitive object lookup (URLs and SOQL accept any case). */
  table(type: string): Table | undefined {
    return this.tables.get(type.toLowerCase());
  }

  /** A live (not deleted) record, accepting 15- or 18-char ids. */
  get(type: string, id: string): Row | undefined {
    const row = this.table(type)?.rows.get(toId18(id));
    return row && row.IsDeleted !== true ? row : undefined;
  }

  newId(table: Table): string {
    for (;;) {
      const id = makeId(table.def.keyPrefix, 0x10_0000 + table.nextId++);
      if (!table.rows.has(id)) return id;
    }
  }

  insert(table: Table, row: Row): void {
    table.rows.set(row.Id as string, row);
    table.order.push(row);
  }

  markDeleted(table: Table, row: Row, at: number): void {
    row.IsDeleted = true;
    row.SystemModstamp = at;
    table.deletedAt.set(row.Id as string, at);
  }

  /**
   * Field history of an Account's user lookups (OwnerId is recorded as Field 'Owner', a
   * custom lookup by its API name), as an org with field history tracking on them keeps it.
   */
  recordHistory(account: Row, field: FieldDef, oldValue: unknown, newValue: unknown, by: string, at: number): void {
    const table = this.table('AccountHistory');
    if (!table || oldValue === newValue) return;
    const name = field.custom ? field.name : field.name.replace(/Id$/, '');
    const row: Row = {
      Id: this.newId(table),
      AccountId: account.Id,
      Field: name,
      OldValue: oldValue ?? null,
      NewValue: newValue ?? null,
      CreatedById: by,
      CreatedDate: at,
      IsDeleted: false,
    };
    this.insert(table, row);
  }

  /** The integration user: owner of records created without an OwnerId. */
  apiUserId(): string {
    const users = this.table('User')?.order ?? [];
    const active = users.find((u) => u.IsActive === true) ?? users[0];
    return (active?.Id as string | undefined) ?? makeId('005', 1);
  }
}

/** Seed record (wire shape) → stored row: canonical names, parsed datetimes, audit defaults. */
function toRow(def: ObjectDef, record: VendorRecord, loadedAt: number): Row {
  const row: Row = {};
  for (const [key, value] of Object.entries(record)) {
    const field = def.byName.get(key.toLowerCase());
    if (!field) continue;
    row[field.name] = fromWire(field, value);
  }
  const stamp = typeof row.SystemModstamp === 'number' ? row.SystemModstamp : loadedAt;
  row.SystemModstamp = stamp;
  if (typeof row.LastModifiedDate !== 'number') row.LastModifiedDate = stamp;
  if (typeof row.CreatedDate !== 'number') row.CreatedDate = row.LastModifiedDate;
  if (def.byName.has('isdeleted')) row.IsDeleted = row.IsDeleted === true;
  if (def.byName.has('firstname') && row.Name === undefined) refreshName(row);
  return row;
}

/** Lenient conversion for seed values (the seed is trusted; bad values become null). */
function fromWire(field: FieldDef, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (field.type) {
    case 'datetime':
      return typeof value === 'string' ? (parseDateTime(value) ?? null) : typeof value === 'number' ? value : null;
    case 'date':
      return typeof value === 'string' ? (parseDate(value) ?? null) : null;
    case 'id':
    case 'reference':
      return typeof value === 'string' ? toId18(value) : null;
    default:
      return value;
  }
}

/** Name is derived from FirstName + LastName on Contact and User. */
export function refreshName(row: Row): void {
  const parts = [row.FirstName, row.LastName].filter((p): p is string => typeof p === 'string' && p !== '');
  row.Name = parts.length > 0 ? parts.join(' ') : null;
}

/** Stored value → JSON value as Salesforce returns it. */
export function toWire(field: FieldDef, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (field.type === 'datetime' && typeof value === 'number') return formatDateTime(value);
  if (field.type === 'date' && typeof value === 'number') return formatDate(value);
  return value;
}
