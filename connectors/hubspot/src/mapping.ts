import type { AccountRecord, ConnectorContext, OwnerValue, PersonRecord } from '@spoc/core';
import { z } from 'zod';

/** HubSpot property names live here and nowhere else. */
export const MODIFIED = 'hs_lastmodifieddate';
export const OBJECT_ID = 'hs_object_id';
export const CONTACT_COMPANY = 'associatedcompanyid';
export const CONTACT_OWNER = 'hubspot_owner_id';

const OwnerApiSchema = z.looseObject({
  id: z.string(),
  email: z.string().nullable().optional(),
  firstName: z.string().nullable().optional(),
  lastName: z.string().nullable().optional(),
  archived: z.boolean().optional(),
  type: z.string().optional(),
});

const CompanyApiSchema = z.looseObject({
  id: z.string().min(1),
  properties: z.record(z.string(), z.string().nullable().optional()),
});

/** The company properties a run needs: the roles' properties, link fields, name and modified time. */
export function companyProperties(ctx: ConnectorContext): string[] {
  const props = new Set(['name', 'domain', MODIFIED]);
  for (const mapping of Object.values(ctx.roles)) props.add(mapping.field);
  for (const field of ctx.xrefFields) props.add(field);
  return [...props];
}

/** Owners of type QUEUE route work but are not people. */
export function toPerson(raw: unknown, archived: boolean): PersonRecord | null {
  const parsed = OwnerApiSchema.safeParse(raw);
  if (!parsed.success || parsed.data.type === 'QUEUE') return null;
  const o = parsed.data;
  const person: PersonRecord = {
    system: 'hubspot',
    id: o.id,
    email: o.email ?? null,
    active: !(o.archived ?? archived),
  };
  const name = [o.firstName, o.lastName].filter(Boolean).join(' ');
  if (name) person.name = name;
  return person;
}

export interface HubspotCursor {
  /** hs_lastmodifieddate in epoch milliseconds. */
  ts: number;
  /** hs_object_id of the last record read at `ts`. */
  id: string;
}

export function toCompany(
  raw: unknown,
  ctx: ConnectorContext,
): { record: AccountRecord; mark: HubspotCursor } | { id: string; rejected: string } {
  const parsed = CompanyApiSchema.safeParse(raw);
  if (!parsed.success)
    return {
      id: String((raw as { id?: unknown })?.id ?? '?'),
      rejected: parsed.error.issues[0]?.message ?? 'invalid company',
    };
  const { id, properties } = parsed.data;
  const modified = properties[MODIFIED] ?? null;
  const ts = modified === null ? Number.NaN : toMillis(modified);
  if (Number.isNaN(ts)) return { id, rejected: `${MODIFIED} is missing or not a date` };
  const roles: Record<string, OwnerValue> = {};
  for (const [role, mapping] of Object.entries(ctx.roles)) {
    const value = properties[mapping.field];
    roles[role] = value ? (mapping.value === 'email' ? { email: value } : { id: value }) : null;
  }
  const xrefs: Record<string, string | null> = {};
  for (const field of ctx.xrefFields) xrefs[field] = properties[field] || null;
  return {
    record: {
      system: 'hubspot',
      id,
      name: properties.name ?? id,
      domains: properties.domain ? [properties.domain] : [],
      xrefs,
      roles,
      modifiedAt: new Date(ts).toISOString(),
    },
    mark: { ts, id },
  };
}

/** Search filters for "modified after the cursor": later timestamp, or same timestamp and a higher id. */
export function modifiedSince(cursor: HubspotCursor) {
  return [
    { filters: [{ propertyName: MODIFIED, operator: 'GT', value: String(cursor.ts) }] },
    {
      filters: [
        { propertyName: MODIFIED, operator: 'EQ', value: String(cursor.ts) },
        { propertyName: OBJECT_ID, operator: 'GT', value: cursor.id },
      ],
    },
  ];
}

export const MODIFIED_SORTS = [
  { propertyName: MODIFIED, direction: 'ASCENDING' },
  { propertyName: OBJECT_ID, direction: 'ASCENDING' },
];

/** Later of two cursors (ids compare numerically: HubSpot ids are numbers). */
export function laterCursor(a: HubspotCursor | null, b: HubspotCursor): HubspotCursor {
  if (!a || b.ts > a.ts || (b.ts === a.ts && Number(b.id) > Number(a.id))) return b;
  return a;
}

function toMillis(value: string): number {
  return /^\d+$/.test(value) ? Number(value) : Date.parse(value);
}
