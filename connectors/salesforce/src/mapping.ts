import type { AccountRecord, ConnectorContext, OwnerValue, PersonRecord } from '@spoc/core';
import { z } from 'zod';

/** Salesforce field names live here and nowhere else. */
export const USER_QUERY = "SELECT Id, Email, IsActive, Name FROM User WHERE UserType = 'Standard'";
export const ACCOUNT_OBJECT = 'Account';
export const MODSTAMP = 'SystemModstamp';

/** Loose shape of a queried record: only what spoc relies on is checked. */
const AccountApiSchema = z.looseObject({
  Id: z.string().min(15),
  Name: z.string().nullable().optional(),
  Website: z.string().nullable().optional(),
  SystemModstamp: z.string(),
});
const UserApiSchema = z.looseObject({
  Id: z.string().min(15),
  Email: z.string().nullable().optional(),
  IsActive: z.boolean(),
  Name: z.string().nullable().optional(),
});

/** The Account fields a run needs: the roles' fields, cross-references, name, website and modstamp. */
export function accountFields(ctx: ConnectorContext): string[] {
  const fields = new Set(['Id', 'Name', 'Website', MODSTAMP]);
  for (const mapping of Object.values(ctx.roles)) fields.add(mapping.field);
  for (const field of ctx.xrefFields) fields.add(field);
  return [...fields];
}

export interface SalesforceCursor {
  ts: string;
  id: string;
}

/** SOQL for accounts, ordered so a (SystemModstamp, Id) cursor resumes without gaps or repeats. */
export function accountQuery(ctx: ConnectorContext, since: SalesforceCursor | null): string {
  const where = since
    ? ` WHERE ${MODSTAMP} > ${soqlDatetime(since.ts)} OR (${MODSTAMP} = ${soqlDatetime(since.ts)} AND Id > '${escapeSoql(since.id)}')`
    : '';
  return `SELECT ${accountFields(ctx).join(', ')} FROM ${ACCOUNT_OBJECT}${where} ORDER BY ${MODSTAMP}, Id`;
}

export function contactQuery(accountIds: string[]): string {
  return `SELECT Id, AccountId, OwnerId FROM Contact WHERE AccountId IN (${accountIds.map((id) => `'${escapeSoql(id)}'`).join(', ')})`;
}

export function toPerson(raw: unknown): PersonRecord | { rejected: string } {
  const parsed = UserApiSchema.safeParse(raw);
  if (!parsed.success) return { rejected: parsed.error.issues[0]?.message ?? 'invalid User' };
  const u = parsed.data;
  const person: PersonRecord = { system: 'salesforce', id: u.Id, email: u.Email ?? null, active: u.IsActive };
  if (u.Name) person.name = u.Name;
  return person;
}

export function toAccount(
  raw: unknown,
  ctx: ConnectorContext,
): { record: AccountRecord; cursor: SalesforceCursor } | { id: string; rejected: string } {
  const parsed = AccountApiSchema.safeParse(raw);
  const rec = raw as Record<string, unknown>;
  if (!parsed.success)
    return {
      id: String(rec?.Id ?? '?'),
      rejected: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  const a = parsed.data;
  const roles: Record<string, OwnerValue> = {};
  for (const [role, mapping] of Object.entries(ctx.roles)) {
    const value = rec[mapping.field];
    roles[role] =
      typeof value === 'string' && value !== '' ? (mapping.value === 'email' ? { email: value } : { id: value }) : null;
  }
  const xrefs: Record<string, string | null> = {};
  for (const field of ctx.xrefFields) {
    const value = rec[field];
    xrefs[field] = typeof value === 'string' && value !== '' ? value : null;
  }
  return {
    record: {
      system: 'salesforce',
      id: a.Id,
      name: a.Name ?? a.Id,
      domains: a.Website ? [a.Website] : [],
      xrefs,
      roles,
      modifiedAt: isoFromSalesforce(a.SystemModstamp),
    },
    cursor: { ts: a.SystemModstamp, id: a.Id },
  };
}

/** One composite/sobjects record setting the given fields. */
export function updateRecord(id: string, fields: Record<string, string>): Record<string, unknown> {
  return { attributes: { type: ACCOUNT_OBJECT }, id, ...fields };
}

export function contactUpdate(id: string, ownerId: string): Record<string, unknown> {
  return { attributes: { type: 'Contact' }, id, OwnerId: ownerId };
}

/** 2024-01-01T00:00:00.000+0000 → 2024-01-01T00:00:00.000Z */
export function isoFromSalesforce(value: string): string {
  const d = new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(d.getTime()) ? value : d.toISOString();
}

function soqlDatetime(value: string): string {
  return isoFromSalesforce(value);
}

function escapeSoql(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}
