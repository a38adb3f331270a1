import type { AccountRecord, OwnerValue, PersonRecord } from '@spoc/core/connector';
import { z } from 'zod';

/** Pipedrive field names, query parameters and wire shapes live here and nowhere else. */
export const OWNER_FIELD = 'owner_id';
const WEBSITE = 'website';

/** Pipedrive's largest page for v2 lists (https://developers.pipedrive.com/docs/api/v1/Organizations#getOrganizations, v2). */
export const MAX_PAGE_SIZE = 500;

/** Field types whose value is a Pipedrive user id. */
const USER_FIELD_TYPES: readonly string[] = ['user'];
/** Field types that hold free text (a cross-reference is another system's id). */
const TEXT_FIELD_TYPES: readonly string[] = ['varchar', 'text', 'varchar_auto', 'varchar_options', 'phone'];

/** `{ success, data, additional_data: { next_cursor } }`: every v2 list. */
const ListApiSchema = z.looseObject({
  success: z.boolean().optional(),
  data: z.array(z.unknown()).nullable().optional(),
  additional_data: z.looseObject({ next_cursor: z.string().nullable().optional() }).nullable().optional(),
});

const UserApiSchema = z.looseObject({
  id: z.number().int(),
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  active_flag: z.boolean().optional(),
  is_deleted: z.boolean().optional(),
});

const FieldApiSchema = z.looseObject({
  field_code: z.string().min(1),
  field_name: z.string(),
  field_type: z.string(),
  is_custom_field: z.boolean().optional(),
});

const OrganizationApiSchema = z.looseObject({
  id: z.number().int(),
  name: z.string().nullable().optional(),
  owner_id: z.number().int().nullable().optional(),
  update_time: z.string().nullable().optional(),
  website: z.string().nullable().optional(),
  is_deleted: z.boolean().optional(),
  custom_fields: z.record(z.string(), z.unknown()).nullable().optional(),
});

const PersonApiSchema = z.looseObject({
  id: z.number().int(),
  owner_id: z.number().int().nullable().optional(),
  org_id: z.number().int().nullable().optional(),
});

/** Pipedrive's error body: `{ success: false, error, error_info, errorCode? , code? }`. */
const ErrorApiSchema = z.looseObject({
  success: z.boolean().optional(),
  error: z.string().nullable().optional(),
  error_info: z.string().nullable().optional(),
  errorCode: z.union([z.number(), z.string()]).nullable().optional(),
  code: z.union([z.number(), z.string()]).nullable().optional(),
});

export interface ListPage {
  items: unknown[];
  nextCursor: string | null;
}

/** One page of a v2 list; null when the body is not one. */
export function listPage(body: unknown): ListPage | null {
  const parsed = ListApiSchema.safeParse(body);
  if (!parsed.success) return null;
  return { items: parsed.data.data ?? [], nextCursor: parsed.data.additional_data?.next_cursor || null };
}

/** The v1 users list (`GET /v1/users`, every user of the company in one answer). */
export function usersOf(body: unknown): unknown[] | null {
  const parsed = z.looseObject({ data: z.array(z.unknown()).nullable() }).safeParse(body);
  return parsed.success ? (parsed.data.data ?? []) : null;
}

/** `GET /v1/users/me`: who the token belongs to. */
export function currentUser(body: unknown): { id: number; email: string | null } | null {
  const parsed = z.looseObject({ data: UserApiSchema }).safeParse(body);
  return parsed.success ? { id: parsed.data.data.id, email: parsed.data.data.email ?? null } : null;
}

/** A user as a person; deactivated (active_flag false) and deleted users are inactive. */
export function toPerson(raw: unknown): PersonRecord | null {
  const parsed = UserApiSchema.safeParse(raw);
  if (!parsed.success) return null;
  const u = parsed.data;
  const person: PersonRecord = {
    system: 'pipedrive',
    id: String(u.id),
    email: u.email || null,
    active: u.active_flag !== false && u.is_deleted !== true,
  };
  if (u.name) person.name = u.name;
  return person;
}

/** An organization field as check() and the read need it. */
export interface FieldDefinition {
  key: string;
  label: string;
  type: string;
  /** Custom fields live under `custom_fields`; standard ones at the top of the record. */
  custom: boolean;
}

export function toFieldDefinition(raw: unknown): FieldDefinition | null {
  const parsed = FieldApiSchema.safeParse(raw);
  if (!parsed.success) return null;
  const f = parsed.data;
  return { key: f.field_code, label: f.field_name, type: f.field_type, custom: f.is_custom_field === true };
}

/** owner_id exists on every organization, whether or not the field list shows it. */
export const OWNER_DEFINITION: FieldDefinition = { key: OWNER_FIELD, label: 'Owner', type: 'user', custom: false };

export function holdsUser(def: FieldDefinition): boolean {
  return USER_FIELD_TYPES.includes(def.type);
}

export function holdsText(def: FieldDefinition): boolean {
  return TEXT_FIELD_TYPES.includes(def.type);
}

/** A resolved field's value on a raw organization (standard at the top, custom under custom_fields). */
function fieldValue(org: z.infer<typeof OrganizationApiSchema>, def: FieldDefinition): unknown {
  return def.custom ? org.custom_fields?.[def.key] : (org as Record<string, unknown>)[def.key];
}

/** A user field's value: an id (number or numeric string), or an object carrying one (v1's expanded user). */
function userIdOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isInteger(value)) return String(value);
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return value.trim();
  if (value && typeof value === 'object') {
    const o = value as { id?: unknown; value?: unknown };
    return userIdOf(o.id ?? o.value);
  }
  return null;
}

function textOf(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null;
  if (typeof value === 'number') return String(value);
  if (value && typeof value === 'object' && 'value' in value) return textOf((value as { value: unknown }).value);
  return null;
}

/** update_time as Unix seconds (Pipedrive's resolution), or NaN. v1 writes `YYYY-MM-DD HH:MM:SS` (UTC). */
export function updateSeconds(value: string | null | undefined): number {
  if (!value) return Number.NaN;
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value) ? `${value.replace(' ', 'T')}Z` : value;
  return Math.floor(Date.parse(iso) / 1000);
}

export interface FieldPlan {
  /** Role name → resolved field. */
  roles: Record<string, FieldDefinition>;
  /** Config name of a cross-reference field → resolved field. */
  xrefs: Record<string, FieldDefinition>;
}

export type MappedOrganization =
  | { record: AccountRecord; mark: { ts: number; id: number } }
  | { id: string; rejected: string };

export function toOrganization(raw: unknown, plan: FieldPlan): MappedOrganization {
  const parsed = OrganizationApiSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { id: idOf(raw), rejected: issue ? `${issue.path.join('.') || 'record'}: ${issue.message}` : 'invalid' };
  }
  const org = parsed.data;
  const ts = updateSeconds(org.update_time);
  if (Number.isNaN(ts)) return { id: String(org.id), rejected: 'update_time is missing or not a date' };
  const roles: Record<string, OwnerValue> = {};
  for (const [role, def] of Object.entries(plan.roles)) {
    const id = userIdOf(fieldValue(org, def));
    roles[role] = id ? { id } : null;
  }
  const xrefs: Record<string, string | null> = {};
  for (const [name, def] of Object.entries(plan.xrefs)) xrefs[name] = textOf(fieldValue(org, def));
  const website = org[WEBSITE]?.trim();
  return {
    record: {
      system: 'pipedrive',
      id: String(org.id),
      name: org.name || String(org.id),
      domains: website ? [website] : [],
      xrefs,
      roles,
      modifiedAt: new Date(ts * 1000).toISOString(),
    },
    mark: { ts, id: org.id },
  };
}

/** The PATCH body setting role values (field key → user id) on one organization. */
export function organizationUpdate(values: { def: FieldDefinition; userId: number }[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const custom: Record<string, number> = {};
  for (const { def, userId } of values) {
    if (def.custom) custom[def.key] = userId;
    else body[def.key] = userId;
  }
  if (Object.keys(custom).length > 0) body.custom_fields = custom;
  return body;
}

export function toContact(raw: unknown): { id: string; orgId: string | null; ownerId: string | null } | null {
  const parsed = PersonApiSchema.safeParse(raw);
  if (!parsed.success) return null;
  const p = parsed.data;
  return {
    id: String(p.id),
    orgId: p.org_id == null ? null : String(p.org_id),
    ownerId: p.owner_id == null ? null : String(p.owner_id),
  };
}

/** The PATCH body moving one person to a new owner. */
export function personOwnerUpdate(userId: number): { owner_id: number } {
  return { owner_id: userId };
}

/** What an error body says, as one line: `error` (`error_info` is a generic pointer to the docs). */
export function errorText(body: unknown): { message: string | null; code: string | null } {
  const parsed = ErrorApiSchema.safeParse(body);
  if (!parsed.success)
    return { message: typeof body === 'string' && body.trim() ? body.slice(0, 300) : null, code: null };
  const code = parsed.data.code ?? parsed.data.errorCode;
  return { message: parsed.data.error ?? null, code: code == null ? null : String(code) };
}

/** Rate-limit headers (https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting). */
export const RATE_HEADERS = {
  limit: 'x-ratelimit-limit',
  remaining: 'x-ratelimit-remaining',
  /** Seconds until the 2-second window resets. */
  reset: 'x-ratelimit-reset',
  /** What is left of the day's allowance (the header Pipedrive documents for api_token requests). */
  dailyLeft: 'x-daily-requests-left',
  retryAfter: 'retry-after',
} as const;

/** A 429 body naming the day's budget rather than the 2-second window. */
export function namesDailyBudget(message: string | null): boolean {
  return message !== null && /daily|budget|per day/i.test(message);
}

function idOf(raw: unknown): string {
  const id = raw && typeof raw === 'object' ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : '?';
}

/** One update of an organization's field value (GET /v1/organizations/{id}/changelog). */
const ChangelogItemApiSchema = z.looseObject({
  field_key: z.string(),
  actor_user_id: z.number().nullable().optional(),
  time: z.string(),
});

/** A changelog item's field, who made it and when (ms), or null when Pipedrive sent something else. */
export function toChangelogItem(raw: unknown): { field: string; userId: string | null; at: number } | null {
  const parsed = ChangelogItemApiSchema.safeParse(raw);
  if (!parsed.success) return null;
  const at = Date.parse(parsed.data.time.includes('T') ? parsed.data.time : `${parsed.data.time.replace(' ', 'T')}Z`);
  if (Number.isNaN(at)) return null;
  const user = parsed.data.actor_user_id;
  return { field: parsed.data.field_key, userId: typeof user === 'number' ? String(user) : null, at };
}
