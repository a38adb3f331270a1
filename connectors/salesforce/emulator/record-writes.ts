import { toId18, type VendorContext } from '@spoc/sandbox/kit';
import { parseDate, parseDateTime } from './datetime.ts';
import { type RecordError, recordError } from './errors.ts';
import { isIdShaped } from './ids.ts';
import type { FieldDef } from './schema.ts';
import { type Row, refreshName, type SalesforceStore, type Table, toWire } from './store.ts';

/** Field values checked and converted, ready to apply; or the record's error. */
export type WritePlan = { ok: true; values: [FieldDef, unknown][] } | { ok: false; error: RecordError };

/** Keys of a request record that are not field values. */
const NOT_FIELDS = new Set(['attributes', 'id']);

/**
 * Validates one record's field values as Salesforce would before saving: known field,
 * writable, right type, required, and lookups pointing at a live (and, for users, active) record.
 */
export function planWrite(
  store: SalesforceStore,
  table: Table,
  input: Record<string, unknown>,
  mode: 'create' | 'update',
): WritePlan {
  const def = table.def;
  const values: [FieldDef, unknown][] = [];
  const fail = (statusCode: string, message: string, fields: string[] = []): WritePlan => ({
    ok: false,
    error: recordError(statusCode, message, fields),
  });

  for (const [key, raw] of Object.entries(input)) {
    if (NOT_FIELDS.has(key.toLowerCase())) continue;
    const field = def.byName.get(key.toLowerCase());
    if (!field) return fail('INVALID_FIELD', `No such column '${key}' on sobject of type ${def.name}`);
    if (mode === 'update' ? !field.updateable : !field.createable) {
      return fail(
        'INVALID_FIELD_FOR_INSERT_UPDATE',
        `Unable to create/update fields: ${field.name}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        [field.name],
      );
    }
    if (raw === null || raw === '') {
      if (!field.nillable)
        return fail('REQUIRED_FIELD_MISSING', `Required fields are missing: [${field.name}]`, [field.name]);
      values.push([field, null]);
      continue;
    }
    const converted = convert(field, raw);
    if (converted === undefined && field.type === 'reference') {
      return fail('MALFORMED_ID', `${field.label}: id value of incorrect type: ${String(raw)}`, [field.name]);
    }
    if (converted === undefined) {
      return fail('INVALID_TYPE_ON_FIELD_IN_RECORD', `${field.label}: value not of required type: ${String(raw)}`, [
        field.name,
      ]);
    }
    if (field.type === 'reference') {
      const error = checkReference(store, def.label, field, converted as string);
      if (error) return { ok: false, error };
    }
    values.push([field, converted]);
  }

  if (mode === 'create') {
    const given = new Set(values.map(([f]) => f.name));
    const missing = def.fields.filter(
      (f) => f.createable && !f.nillable && !given.has(f.name) && !DEFAULTED.has(`${def.name}.${f.name}`),
    );
    if (missing.length > 0) {
      const names = missing.map((f) => f.name);
      return fail('REQUIRED_FIELD_MISSING', `Required fields are missing: [${names.join(', ')}]`, names);
    }
  }
  return { ok: true, values };
}

/** Required fields Salesforce fills in on create. */
const DEFAULTED = new Set(['Account.OwnerId', 'Contact.OwnerId', 'User.IsActive']);

function checkReference(store: SalesforceStore, label: string, field: FieldDef, id: string): RecordError | undefined {
  const target = field.referenceTo ?? '';
  const targetDef = store.schema.get(target.toLowerCase());
  if (!targetDef || !id.startsWith(targetDef.keyPrefix)) {
    return recordError('FIELD_INTEGRITY_EXCEPTION', `${field.label}: id value of incorrect type: ${id}`, [field.name]);
  }
  const row = store.get(target, id);
  if (!row) return recordError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [field.name]);
  if (target === 'User' && row.IsActive !== true) {
    return recordError(
      'INACTIVE_OWNER_OR_USER',
      `operation performed with inactive user [${id}] as owner of ${label.toLowerCase()}`,
      [field.name],
    );
  }
  return undefined;
}

/** JSON value → stored value, or undefined when it is not of the field's type. */
function convert(field: FieldDef, raw: unknown): unknown {
  switch (field.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      return raw === 'true' ? true : raw === 'false' ? false : undefined;
    case 'double': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
      return Number.isFinite(n) ? n : undefined;
    }
    case 'datetime':
      return typeof raw === 'string' ? parseDateTime(raw) : undefined;
    case 'date':
      return typeof raw === 'string' ? parseDate(raw) : undefined;
    case 'id':
    case 'reference':
      return isIdShaped(raw) ? toId18(raw) : undefined;
    default:
      return typeof raw === 'string'
        ? raw
        : typeof raw === 'number' || typeof raw === 'boolean'
          ? String(raw)
          : undefined;
  }
}

/** Applies checked values, logs each one for the fault suite, and bumps the audit stamps. */
export function applyWrite(
  store: SalesforceStore,
  table: Table,
  row: Row,
  values: [FieldDef, unknown][],
  now: number,
  context: VendorContext,
  /** The session's user: who the field history says made the change. */
  by: string,
): void {
  let renamed = false;
  for (const [field, value] of values) {
    if (table.def.name === 'Account' && field.type === 'reference' && field.referenceTo === 'User')
      store.recordHistory(row, field, row[field.name], value, by, now);
    row[field.name] = value;
    if (field.name === 'FirstName' || field.name === 'LastName') renamed = true;
    context.writes.record(table.def.name, row.Id as string, field.name, toWire(field, value), now);
  }
  if (renamed) refreshName(row);
  row.SystemModstamp = now;
  row.LastModifiedDate = now;
}
