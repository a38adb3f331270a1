import type { AccountRecord, ConnectorContext, OwnerValue, PersonRecord } from '@spoc/core/connector';
import { z } from 'zod';
import type { HubspotCursor } from './cursor.ts';

/** HubSpot property names, scopes and wire shapes live here and nowhere else. */
export const MODIFIED = 'hs_lastmodifieddate';
export const OBJECT_ID = 'hs_object_id';
export const CONTACT_COMPANY = 'associatedcompanyid';
export const CONTACT_OWNER = 'hubspot_owner_id';
const NAME = 'name';
const DOMAIN = 'domain';
/** Standard company properties every portal has: check() need not look them up. */
export const STANDARD_COMPANY_PROPERTIES: readonly string[] = [NAME, DOMAIN, MODIFIED];

const OwnerApiSchema = z.looseObject({
  id: z.coerce.string().min(1),
  /** The HubSpot user behind the owner: what property histories name as updatedByUserId. */
  userId: z.number().nullable().optional(),
  userIdIncludingInactive: z.number().nullable().optional(),
  email: z.string().nullable().optional(),
  firstName: z.string().nullable().optional(),
  lastName: z.string().nullable().optional(),
  archived: z.boolean().optional(),
  type: z.string().optional(),
});

const CompanyApiSchema = z.looseObject({
  id: z.coerce.string().min(1),
  properties: z.record(z.string(), z.string().nullable().optional()),
});

const ContactApiSchema = CompanyApiSchema;

/** One page of a list or search response. */
export const PageApiSchema = z.looseObject({
  /** Searches only: how many records match. */
  total: z.number().optional(),
  results: z.array(z.unknown()),
  paging: z.looseObject({ next: z.looseObject({ after: z.coerce.string() }).optional() }).optional(),
});
export type ApiPage = z.infer<typeof PageApiSchema>;

const PropertyApiSchema = z.looseObject({
  name: z.string(),
  modificationMetadata: z.looseObject({ readOnlyValue: z.boolean().optional() }).optional(),
});
export const PropertyListApiSchema = z.looseObject({ results: z.array(z.unknown()) });

/** A batch response (200 or 207): ids that succeeded, and per-input errors naming their ids. */
export const BatchResponseApiSchema = z.looseObject({
  results: z.array(z.looseObject({ id: z.coerce.string() })).optional(),
  errors: z
    .array(
      z.looseObject({
        category: z.string().optional(),
        message: z.string().optional(),
        context: z.record(z.string(), z.array(z.coerce.string()).optional()).optional(),
      }),
    )
    .optional(),
});
export type BatchResponse = z.infer<typeof BatchResponseApiSchema>;

/** The company properties a run needs: the roles' properties, link fields, name, domain and modified time. */
export function companyProperties(ctx: ConnectorContext): string[] {
  const props = new Set(STANDARD_COMPANY_PROPERTIES);
  for (const mapping of Object.values(ctx.roles)) props.add(mapping.field);
  for (const field of ctx.xrefFields) props.add(field);
  return [...props];
}

export type PersonResult = { person: PersonRecord } | { skipped: 'queue' } | { id: string; rejected: string };

/** Owners of type QUEUE route work but are not people; archived owners are inactive people. */
export function toPerson(raw: unknown, archived: boolean): PersonResult {
  const parsed = OwnerApiSchema.safeParse(raw);
  if (!parsed.success) return { id: idOf(raw), rejected: parsed.error.issues[0]?.message ?? 'invalid owner' };
  const o = parsed.data;
  if (o.type === 'QUEUE') return { skipped: 'queue' };
  const person: PersonRecord = {
    system: 'hubspot',
    id: o.id,
    email: o.email || null,
    active: !(o.archived ?? archived),
  };
  const name = [o.firstName, o.lastName].filter(Boolean).join(' ');
  if (name) person.name = name;
  return { person };
}

export function toCompany(
  raw: unknown,
  ctx: ConnectorContext,
): { record: AccountRecord; mark: HubspotCursor } | { id: string; rejected: string } {
  const parsed = CompanyApiSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      id: idOf(raw),
      rejected: issue ? `${issue.path.join('.') || 'record'}: ${issue.message}` : 'invalid company',
    };
  }
  const { id, properties } = parsed.data;
  const modified = properties[MODIFIED] ?? null;
  const ts = modified === null ? Number.NaN : toMillis(modified);
  if (Number.isNaN(ts)) return { id, rejected: `${MODIFIED} is missing or not a date` };
  const roles: Record<string, OwnerValue> = {};
  for (const [role, mapping] of Object.entries(ctx.roles)) {
    const value = properties[mapping.field]?.trim();
    roles[role] = value ? (mapping.value === 'email' ? { email: value } : { id: value }) : null;
  }
  const xrefs: Record<string, string | null> = {};
  for (const field of ctx.xrefFields) xrefs[field] = properties[field] || null;
  return {
    record: {
      system: 'hubspot',
      id,
      name: properties[NAME] || id,
      domains: properties[DOMAIN] ? [properties[DOMAIN]] : [],
      xrefs,
      roles,
      modifiedAt: new Date(ts).toISOString(),
    },
    mark: { ts, id },
  };
}

/** The HubSpot user id of an owner (archived owners keep theirs in userIdIncludingInactive). */
export function userIdOf(raw: unknown): number | null {
  const parsed = OwnerApiSchema.safeParse(raw);
  if (!parsed.success) return null;
  return parsed.data.userId ?? parsed.data.userIdIncludingInactive ?? null;
}

/** One value in a property's history (ValueWithTimestamp), newest first. */
const PropertyHistoryApiSchema = z.looseObject({
  value: z.string().nullable().optional(),
  sourceType: z.string(),
  sourceLabel: z.string().nullable().optional(),
  updatedByUserId: z.number().nullable().optional(),
});
const CompanyWithHistoryApiSchema = z.looseObject({
  id: z.coerce.string().min(1),
  propertiesWithHistory: z.record(z.string(), z.array(z.unknown())).optional(),
});

/** HubSpot's sourceType of a change made by no user, in words for a notice. */
const SOURCE_WORDS: Record<string, string> = {
  WORKFLOW: 'a HubSpot workflow',
  AUTOMATION_PLATFORM: 'a HubSpot workflow',
  IMPORT: 'a HubSpot import',
  API: 'an integration',
  INTEGRATION: 'an integration',
  SALESFORCE: 'the Salesforce integration',
  CRM_UI_BULK_ACTION: 'a bulk edit in HubSpot',
};

/**
 * Who set a company property's current value, from a batch read with
 * propertiesWithHistory: the user (updatedByUserId) when one did, else the source.
 */
export function lastChangeOf(
  raw: unknown,
  property: string,
): { companyId: string; userId?: number; via?: string } | null {
  const parsed = CompanyWithHistoryApiSchema.safeParse(raw);
  if (!parsed.success) return null;
  const latest = PropertyHistoryApiSchema.safeParse(parsed.data.propertiesWithHistory?.[property]?.[0]);
  if (!latest.success) return null;
  const { updatedByUserId, sourceType, sourceLabel } = latest.data;
  if (typeof updatedByUserId === 'number') return { companyId: parsed.data.id, userId: updatedByUserId };
  const words = SOURCE_WORDS[sourceType];
  const via = words && sourceLabel && words === 'an integration' ? `${words} (${sourceLabel})` : words;
  return via ? { companyId: parsed.data.id, via } : null;
}

/** A contact's primary company and owner, or null when HubSpot sent something unusable. */
export function toContact(raw: unknown): { id: string; companyId: string | null; ownerId: string | null } | null {
  const parsed = ContactApiSchema.safeParse(raw);
  if (!parsed.success) return null;
  const { id, properties } = parsed.data;
  return { id, companyId: properties[CONTACT_COMPANY] || null, ownerId: properties[CONTACT_OWNER] || null };
}

/** Property name → whether its value is read-only (a formula, a HubSpot-calculated field). */
export function toPropertyIndex(raw: unknown): Map<string, { readOnly: boolean }> {
  const list = PropertyListApiSchema.safeParse(raw);
  const index = new Map<string, { readOnly: boolean }>();
  for (const item of list.success ? list.data.results : []) {
    const p = PropertyApiSchema.safeParse(item);
    if (p.success) index.set(p.data.name, { readOnly: p.data.modificationMetadata?.readOnlyValue === true });
  }
  return index;
}

/** The properties a write sends for one contact owner change. */
export function contactOwnerProperties(ownerId: string): Record<string, string> {
  return { [CONTACT_OWNER]: ownerId };
}

type Filter = { propertyName: string; operator: string; value?: string; values?: string[] };
export interface SearchBody {
  filterGroups: { filters: Filter[] }[];
  sorts: { propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }[];
  properties: string[];
  limit: number;
  after?: string;
}

/**
 * Companies modified after the cursor — a later timestamp, or the cursor's timestamp
 * and a higher id — oldest first. One sort rule: HubSpot search takes no more
 * (https://developers.hubspot.com/docs/api/crm/search), so ties come in HubSpot's order
 * and the reader copes (incremental-read.ts).
 */
export function modifiedAfterSearch(from: HubspotCursor, properties: string[], limit: number): SearchBody {
  return {
    filterGroups: [
      { filters: [{ propertyName: MODIFIED, operator: 'GT', value: String(from.ts) }] },
      {
        filters: [
          { propertyName: MODIFIED, operator: 'EQ', value: String(from.ts) },
          { propertyName: OBJECT_ID, operator: 'GT', value: from.id },
        ],
      },
    ],
    sorts: [{ propertyName: MODIFIED, direction: 'ASCENDING' }],
    properties,
    limit,
  };
}

/** Companies of one modified timestamp after an id, by id (the one sort rule). */
export function sameTimestampSearch(ts: number, afterId: string, properties: string[], limit: number): SearchBody {
  return {
    filterGroups: [
      {
        filters: [
          { propertyName: MODIFIED, operator: 'EQ', value: String(ts) },
          { propertyName: OBJECT_ID, operator: 'GT', value: afterId },
        ],
      },
    ],
    sorts: [{ propertyName: OBJECT_ID, direction: 'ASCENDING' }],
    properties,
    limit,
  };
}

/** Contacts whose primary company is one of `companyIds` and whose id is above `afterId`, by id. */
export function contactsOfCompaniesSearch(companyIds: string[], afterId: string, limit: number): SearchBody {
  return {
    filterGroups: [
      {
        filters: [
          { propertyName: CONTACT_COMPANY, operator: 'IN', values: companyIds },
          { propertyName: OBJECT_ID, operator: 'GT', value: afterId },
        ],
      },
    ],
    sorts: [{ propertyName: OBJECT_ID, direction: 'ASCENDING' }],
    properties: [CONTACT_COMPANY, CONTACT_OWNER],
    limit,
  };
}

/** No filters, one result: the search's `total` is every (unarchived) contact of the portal. */
export function contactCountSearch(): SearchBody {
  return { filterGroups: [], sorts: [], properties: [OBJECT_ID], limit: 1 };
}

/**
 * A batch response as spoc reads it: the ids written, and per error its code, message
 * and the ids it names (HubSpot puts them in context.ids).
 */
export function batchResult(body: BatchResponse): {
  written: Set<string>;
  errors: { code: string; message: string; ids: string[] }[];
} {
  return {
    written: new Set((body.results ?? []).map((r) => r.id)),
    errors: (body.errors ?? []).map((e) => ({
      code: e.category ?? 'HUBSPOT_ERROR',
      message: e.message ?? 'HubSpot refused this record',
      ids: e.context?.ids ?? [],
    })),
  };
}

function toMillis(value: string): number {
  return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}

function idOf(raw: unknown): string {
  const id = raw && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : '?';
}
