import type { SalesforceFieldSeed, SalesforceSeed, VendorRecord } from '@spoc/sandbox/kit';
import { parseDate, parseDateTime } from './datetime.ts';
import { isIdShaped } from './ids.ts';

/** The describe types the emulator knows; values are stored by kind (datetimes/dates as epoch ms). */
export type FieldType =
  | 'id'
  | 'string'
  | 'email'
  | 'url'
  | 'phone'
  | 'textarea'
  | 'picklist'
  | 'boolean'
  | 'datetime'
  | 'date'
  | 'double'
  | 'reference';

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  /** For references: the one object it points to (polymorphic lookups are not emulated). */
  referenceTo?: string;
  relationshipName?: string;
  updateable: boolean;
  createable: boolean;
  nillable: boolean;
  custom: boolean;
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  fields: FieldDef[];
  /** Lower-cased field name → field (SOQL and JSON bodies are case-insensitive). */
  byName: Map<string, FieldDef>;
  /** Lower-cased relationship name (Owner, Account, CSM__r) → its lookup field. */
  byRelationship: Map<string, FieldDef>;
}

/** Lower-cased object name → definition. */
export type Schema = Map<string, ObjectDef>;

export const OBJECT_NAMES = ['User', 'Account', 'Contact', 'AccountHistory'] as const;
export type ObjectName = (typeof OBJECT_NAMES)[number];

export const KEY_PREFIX: Record<ObjectName, string> = {
  User: '005',
  Account: '001',
  Contact: '003',
  AccountHistory: '017',
};

const LABELS: Record<ObjectName, [string, string]> = {
  User: ['User', 'Users'],
  Account: ['Account', 'Accounts'],
  Contact: ['Contact', 'Contacts'],
  AccountHistory: ['Account History', 'Account History'],
};

type Spec = [name: string, type: FieldType, flags?: string, referenceTo?: string | undefined, label?: string];

// flags: r = read-only (not createable/updateable), n = not nillable, c = createable only
const AUDIT: Spec[] = [
  ['IsDeleted', 'boolean', 'rn', undefined, 'Deleted'],
  ['CreatedDate', 'datetime', 'rn', undefined, 'Created Date'],
  ['LastModifiedDate', 'datetime', 'rn', undefined, 'Last Modified Date'],
  ['SystemModstamp', 'datetime', 'rn', undefined, 'System Modstamp'],
];

const STANDARD: Record<ObjectName, Spec[]> = {
  User: [
    ['Id', 'id', 'rn', undefined, 'User ID'],
    ['Username', 'string', 'n'],
    ['LastName', 'string', 'n', undefined, 'Last Name'],
    ['FirstName', 'string', '', undefined, 'First Name'],
    ['Name', 'string', 'rn', undefined, 'Full Name'],
    ['Email', 'email', 'n'],
    ['IsActive', 'boolean', 'n', undefined, 'Active'],
    ['UserType', 'picklist', 'r', undefined, 'User Type'],
    ...AUDIT.filter(([name]) => name !== 'IsDeleted'),
  ],
  Account: [
    ['Id', 'id', 'rn', undefined, 'Account ID'],
    ['Name', 'string', 'n', undefined, 'Account Name'],
    ['Website', 'url'],
    ['OwnerId', 'reference', 'n', 'User', 'Owner ID'],
    ...AUDIT,
  ],
  Contact: [
    ['Id', 'id', 'rn', undefined, 'Contact ID'],
    ['AccountId', 'reference', '', 'Account', 'Account ID'],
    ['LastName', 'string', 'n', undefined, 'Last Name'],
    ['FirstName', 'string', '', undefined, 'First Name'],
    ['Name', 'string', 'rn', undefined, 'Full Name'],
    ['Email', 'email'],
    ['OwnerId', 'reference', 'n', 'User', 'Owner ID'],
    ...AUDIT,
  ],
  // Field history (Object Reference: AccountHistory): one read-only row per tracked change.
  AccountHistory: [
    ['Id', 'id', 'rn', undefined, 'History ID'],
    ['AccountId', 'reference', 'r', 'Account', 'Account ID'],
    ['Field', 'picklist', 'r', undefined, 'Changed Field'],
    ['OldValue', 'string', 'r', undefined, 'Old Value'],
    ['NewValue', 'string', 'r', undefined, 'New Value'],
    ['CreatedById', 'reference', 'r', 'User', 'Created By ID'],
    ['CreatedDate', 'datetime', 'rn', undefined, 'Created Date'],
    ['IsDeleted', 'boolean', 'rn', undefined, 'Deleted'],
  ],
};

/** A seed's records of an object (history is never seeded: it grows with the writes). */
export function seededRecords(seed: SalesforceSeed | undefined, name: ObjectName): VendorRecord[] {
  return name === 'AccountHistory' ? [] : (seed?.[name] ?? []);
}

/** Standard lookups are named after the field minus "Id"; custom ones swap __c for __r. */
function relationshipName(field: string): string {
  if (field.endsWith('__c')) return `${field.slice(0, -3)}__r`;
  return field.endsWith('Id') ? field.slice(0, -2) : field;
}

function makeField(
  name: string,
  type: FieldType,
  flags: string,
  referenceTo: string | undefined,
  label: string | undefined,
): FieldDef {
  const readOnly = flags.includes('r');
  const field: FieldDef = {
    name,
    label: label ?? name.replace(/__c$/, '').replace(/_/g, ' '),
    type,
    updateable: !readOnly,
    createable: !readOnly,
    nillable: !flags.includes('n'),
    custom: name.endsWith('__c'),
  };
  if (type === 'reference' && referenceTo) {
    field.referenceTo = referenceTo;
    field.relationshipName = relationshipName(name);
  }
  return field;
}

const PREFIX_OBJECT: Record<string, ObjectName> = { '005': 'User', '001': 'Account', '003': 'Contact' };

/** Guesses a seed-only field's type from its non-null values: ids by key prefix, then scalars. */
function inferType(name: string, values: unknown[]): { type: FieldType; referenceTo?: string } {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return { type: 'string' };
  if (present.every((v) => typeof v === 'boolean')) return { type: 'boolean' };
  if (present.every((v) => typeof v === 'number')) return { type: 'double' };
  if (present.every((v) => isIdShaped(v))) {
    const prefixes = new Set(present.map((v) => (v as string).slice(0, 3)));
    const [only] = [...prefixes];
    const target = prefixes.size === 1 && only ? PREFIX_OBJECT[only] : undefined;
    if (target) return { type: 'reference', referenceTo: target };
  }
  if (present.every((v) => typeof v === 'string' && parseDateTime(v) !== undefined)) return { type: 'datetime' };
  if (present.every((v) => typeof v === 'string' && parseDate(v) !== undefined)) return { type: 'date' };
  if (/email/i.test(name)) return { type: 'email' };
  return { type: 'string' };
}

const KNOWN_TYPES = new Set<string>([
  'string',
  'email',
  'url',
  'phone',
  'textarea',
  'picklist',
  'boolean',
  'datetime',
  'date',
  'double',
  'reference',
]);

function declaredField(spec: SalesforceFieldSeed): FieldDef {
  const type = (KNOWN_TYPES.has(spec.type) ? spec.type : 'string') as FieldType;
  const field = makeField(
    spec.name,
    type,
    spec.updateable === false ? 'r' : '',
    spec.referenceTo ?? 'User',
    spec.label,
  );
  return field;
}

/** Standard fields, plus the seed's declared fields, plus any other field its records carry. */
export function buildSchema(seed: SalesforceSeed | undefined): Schema {
  const schema: Schema = new Map();
  for (const objectName of OBJECT_NAMES) {
    const fields = STANDARD[objectName].map(([name, type, flags = '', ref, label]) =>
      makeField(name, type, flags, ref, label),
    );
    const byName = new Map(fields.map((f) => [f.name.toLowerCase(), f]));
    const add = (field: FieldDef) => {
      if (byName.has(field.name.toLowerCase())) return;
      fields.push(field);
      byName.set(field.name.toLowerCase(), field);
    };
    for (const spec of seed?.fields?.[objectName] ?? []) add(declaredField(spec));

    const records = seededRecords(seed, objectName);
    const extra = new Map<string, unknown[]>();
    for (const record of records) {
      for (const [key, value] of Object.entries(record)) {
        if (key === 'attributes' || byName.has(key.toLowerCase())) continue;
        let values = extra.get(key);
        if (!values) {
          values = [];
          extra.set(key, values);
        }
        // A sample of non-null values is enough to tell ids, booleans and datetimes apart.
        if (value !== null && value !== undefined && values.length < 200) values.push(value);
      }
    }
    for (const [name, values] of extra) {
      const { type, referenceTo } = inferType(name, values);
      add(makeField(name, type, '', referenceTo, undefined));
    }

    const [label, labelPlural] = LABELS[objectName];
    schema.set(objectName.toLowerCase(), {
      name: objectName,
      label,
      labelPlural,
      keyPrefix: KEY_PREFIX[objectName],
      fields,
      byName,
      byRelationship: new Map(
        fields.filter((f) => f.relationshipName).map((f) => [(f.relationshipName ?? '').toLowerCase(), f]),
      ),
    });
  }
  return schema;
}
