import type { AccountRecord, ConnectorContext, OwnerValue, PersonRecord, RecordOutcome } from '@spoc/core/connector';
import { z } from 'zod';
import type { SalesforceCursor } from './cursor.ts';

/** Salesforce object and field names live here and nowhere else. */

export const USER_QUERY = "SELECT Id, Email, IsActive, Name FROM User WHERE UserType = 'Standard'";
const ACCOUNT = 'Account';
const CONTACT = 'Contact';
const MODSTAMP = 'SystemModstamp';
const STANDARD_ACCOUNT_FIELDS = ['Id', 'Name', 'Website', MODSTAMP];

/** Objects check() describes, and the fields spoc itself reads or writes on them. */
export const DESCRIBED = {
  account: ACCOUNT,
  user: 'User',
  contact: CONTACT,
  /** User fields listPeople reads. */
  userFields: ['Id', 'Email', 'IsActive', 'Name', 'UserType'],
  /** Contact fields the cascade reads (first two) and writes (OwnerId). */
  contactFields: ['Id', 'AccountId', 'OwnerId'],
  contactOwner: 'OwnerId',
  /** The person object a lookup role field must point at. */
  personObject: 'User',
} as const;

/** GET /query and /query/{locator}: one page of records. */
export const QueryPageApiSchema = z.looseObject({
  totalSize: z.number().optional(),
  done: z.boolean(),
  nextRecordsUrl: z.string().optional(),
  records: z.array(z.unknown()),
});
export type QueryPage = z.infer<typeof QueryPageApiSchema>;

/** One element of a composite/sobjects answer (in input order). */
export const SaveResultsApiSchema = z.array(
  z.looseObject({
    id: z.string().nullable().optional(),
    success: z.boolean(),
    errors: z
      .array(
        z.looseObject({
          statusCode: z.string().optional(),
          message: z.string().optional(),
          fields: z.array(z.string()).optional(),
        }),
      )
      .optional(),
  }),
);
export type SaveResult = z.infer<typeof SaveResultsApiSchema>[number];

/** The part of GET /sobjects/{Type}/describe check() relies on. */
export const DescribeApiSchema = z.looseObject({
  name: z.string(),
  fields: z.array(
    z.looseObject({
      name: z.string(),
      type: z.string(),
      updateable: z.boolean(),
      referenceTo: z.array(z.string()).nullable().optional(),
    }),
  ),
});
export type DescribeField = z.infer<typeof DescribeApiSchema>['fields'][number];

const AccountApiSchema = z.looseObject({
  Id: z.string().min(15),
  Name: z.string().nullable().optional(),
  Website: z.string().nullable().optional(),
  SystemModstamp: z.string().refine((v) => parseSalesforceDate(v) !== null, 'not a Salesforce dateTime'),
});
const UserApiSchema = z.looseObject({
  Id: z.string().min(15),
  Email: z.string().nullable().optional(),
  IsActive: z.boolean(),
  Name: z.string().nullable().optional(),
});
const ContactApiSchema = z.looseObject({
  Id: z.string().min(15),
  AccountId: z.string().nullable().optional(),
  OwnerId: z.string().nullable().optional(),
});

/** The Account fields a run reads: name, website, modstamp, the roles' fields and the cross-references. */
export function accountFields(ctx: ConnectorContext): string[] {
  const fields = new Map<string, string>();
  const add = (name: string) => {
    if (!fields.has(name.toLowerCase())) fields.set(name.toLowerCase(), name);
  };
  for (const name of STANDARD_ACCOUNT_FIELDS) add(name);
  for (const mapping of Object.values(ctx.roles)) add(mapping.field);
  for (const field of ctx.xrefFields) add(field);
  return [...fields.values()];
}

/**
 * SOQL for accounts, full or incremental, always ordered by (SystemModstamp, Id): the last
 * record of any page is then a resume point with nothing skipped or repeated, and the
 * last record of a full read carries the newest SystemModstamp, where the next
 * incremental read starts. Ties on SystemModstamp are broken by Id.
 */
export function accountQuery(ctx: ConnectorContext, since: SalesforceCursor | null): string {
  let where = '';
  if (since) {
    const ts = soqlDateTime(since.ts);
    where = ` WHERE ${MODSTAMP} > ${ts} OR (${MODSTAMP} = ${ts} AND Id > ${soqlString(since.id)})`;
  }
  return `SELECT ${accountFields(ctx).join(', ')} FROM ${ACCOUNT}${where} ORDER BY ${MODSTAMP}, Id`;
}

export function contactQuery(accountIds: string[]): string {
  return `SELECT ${DESCRIBED.contactFields.join(', ')} FROM ${CONTACT} WHERE AccountId IN (${accountIds.map(soqlString).join(', ')})`;
}

/** How AccountHistory names a field: standard lookups without "Id" (OwnerId → Owner), custom ones as they are. */
export function historyFieldName(field: string): string {
  return field.endsWith('__c') ? field : field.replace(/Id$/, '');
}

/**
 * The latest changes of some Account fields, newest first (AccountHistory: one row per
 * tracked change, CreatedById the user whose session made it).
 */
export function accountHistoryQuery(accountIds: string[], historyFields: string[]): string {
  return `SELECT AccountId, Field, CreatedById, CreatedDate FROM AccountHistory WHERE AccountId IN (${accountIds.map(soqlString).join(', ')}) AND Field IN (${historyFields.map(soqlString).join(', ')}) ORDER BY CreatedDate DESC`;
}

const AccountHistoryApiSchema = z.looseObject({
  AccountId: z.string().min(1),
  Field: z.string().min(1),
  CreatedById: z.string().min(1),
});

export function toHistoryEntry(raw: unknown): { accountId: string; field: string; userId: string } | null {
  const parsed = AccountHistoryApiSchema.safeParse(raw);
  return parsed.success
    ? { accountId: parsed.data.AccountId, field: parsed.data.Field, userId: parsed.data.CreatedById }
    : null;
}

/** How many Contacts the org holds (totalSize only). */
export function contactCountQuery(): string {
  return `SELECT COUNT() FROM ${CONTACT}`;
}

export function toPerson(raw: unknown): PersonRecord | { rejected: string } {
  const parsed = UserApiSchema.safeParse(raw);
  if (!parsed.success) return { rejected: describeIssues(parsed.error) };
  const u = parsed.data;
  const person: PersonRecord = { system: 'salesforce', id: u.Id, email: u.Email ?? null, active: u.IsActive };
  if (u.Name) person.name = u.Name;
  return person;
}

export type MappedAccount = { record: AccountRecord } | { id: string; rejected: string };

export function toAccount(raw: unknown, ctx: ConnectorContext): MappedAccount {
  const parsed = AccountApiSchema.safeParse(raw);
  if (!parsed.success) return { id: idOf(raw), rejected: describeIssues(parsed.error) };
  const a = parsed.data;
  const roles: Record<string, OwnerValue> = {};
  for (const [role, mapping] of Object.entries(ctx.roles)) {
    const value = fieldValue(a, mapping.field);
    if (value !== null && typeof value !== 'string') {
      return { id: a.Id, rejected: `${mapping.field}: expected a ${mapping.value === 'email' ? 'text' : 'User Id'}` };
    }
    roles[role] = value ? (mapping.value === 'email' ? { email: value } : { id: value }) : null;
  }
  const xrefs: Record<string, string | null> = {};
  for (const field of ctx.xrefFields) {
    const value = fieldValue(a, field);
    xrefs[field] = typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : null;
  }
  return {
    record: {
      system: 'salesforce',
      id: a.Id,
      name: a.Name ?? a.Id,
      domains: a.Website ? [a.Website] : [],
      xrefs,
      roles,
      modifiedAt: parseSalesforceDate(a.SystemModstamp),
    },
  };
}

/** Where a queried Account sits in (SystemModstamp, Id) order, even when it is otherwise malformed. */
export function accountPosition(raw: unknown): SalesforceCursor | null {
  const rec = raw as Record<string, unknown> | null;
  const ts = typeof rec?.[MODSTAMP] === 'string' ? parseSalesforceDate(rec[MODSTAMP]) : null;
  const id = rec?.Id;
  return ts && typeof id === 'string' && id !== '' ? { ts, id } : null;
}

export function toContact(raw: unknown): { id: string; accountId: string | null; ownerId: string | null } | null {
  const parsed = ContactApiSchema.safeParse(raw);
  if (!parsed.success) return null;
  return { id: parsed.data.Id, accountId: parsed.data.AccountId ?? null, ownerId: parsed.data.OwnerId ?? null };
}

/** One composite/sobjects record setting the given Account fields. */
export function accountUpdate(id: string, fields: Record<string, string>): Record<string, unknown> {
  return { attributes: { type: ACCOUNT }, id, ...fields };
}

export function contactOwnerUpdate(id: string, ownerId: string): Record<string, unknown> {
  return { attributes: { type: CONTACT }, id, OwnerId: ownerId };
}

/** What one SaveResult of a composite/sobjects answer says of its record. */
export function saveOutcome(result: SaveResult | undefined): RecordOutcome {
  if (result?.success) return { ok: true };
  if (!result) return { ok: false, code: 'NO_RESULT', message: 'Salesforce returned no result for this record' };
  const errors = result.errors ?? [];
  const first = errors[0];
  const message = errors
    .map((e) => `${e.message ?? e.statusCode ?? 'error'}${e.fields?.length ? ` (${e.fields.join(', ')})` : ''}`)
    .join('; ');
  return {
    ok: false,
    code: first?.statusCode ?? 'UNKNOWN_ERROR',
    message: message || 'Salesforce did not save this record',
  };
}

/** `2024-01-01T00:00:00.000+0000` (Salesforce's wire format) → ISO-8601 UTC, or null. */
export function parseSalesforceDate(value: string): string | null {
  const d = new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

/** SOQL dateTime literal (unquoted, UTC). Whole seconds are written without millis, the form SOQL documents. */
function soqlDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) throw new Error(`not a dateTime: ${iso}`);
  const text = d.toISOString();
  return text.endsWith('.000Z') ? `${text.slice(0, -5)}Z` : text;
}

function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Field names are case-insensitive in Salesforce; the query answer may spell them as the org defines them. */
function fieldValue(rec: Record<string, unknown>, field: string): unknown {
  if (field in rec) return rec[field] ?? null;
  const lower = field.toLowerCase();
  for (const [key, value] of Object.entries(rec)) if (key.toLowerCase() === lower) return value ?? null;
  return null;
}

function idOf(raw: unknown): string {
  const id = (raw as Record<string, unknown> | null)?.Id;
  return typeof id === 'string' && id !== '' ? id : '?';
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'record'}: ${i.message}`).join('; ');
}
