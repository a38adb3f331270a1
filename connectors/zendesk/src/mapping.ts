import type { AccountRecord, ConnectorContext, OwnerValue, PersonRecord } from '@spoc/core';
import { z } from 'zod';

/** Zendesk attribute names live here and nowhere else. */
export const TOP_LEVEL_XREFS = new Set(['external_id']);
export const UNSOLVED = ['new', 'open', 'pending', 'hold'];

const UserApiSchema = z.looseObject({
  id: z.number(),
  email: z.string().nullable().optional(),
  name: z.string().nullable().optional(),
  role: z.string(),
  active: z.boolean().optional(),
  suspended: z.boolean().optional(),
});

const OrganizationApiSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullable().optional(),
  external_id: z.string().nullable().optional(),
  domain_names: z.array(z.string()).nullable().optional(),
  organization_fields: z.record(z.string(), z.unknown()).nullable().optional(),
  updated_at: z.string().nullable().optional(),
});

export const TicketApiSchema = z.looseObject({
  id: z.number(),
  status: z.string(),
  assignee_id: z.number().nullable().optional(),
  organization_id: z.number().nullable().optional(),
});

/** Agents and admins are people; end-users (customers) are not. */
export function toPerson(raw: unknown): PersonRecord | null {
  const parsed = UserApiSchema.safeParse(raw);
  if (!parsed.success || (parsed.data.role !== 'agent' && parsed.data.role !== 'admin')) return null;
  const u = parsed.data;
  const person: PersonRecord = {
    system: 'zendesk',
    id: String(u.id),
    email: u.email ?? null,
    active: (u.active ?? true) && !(u.suspended ?? false),
  };
  if (u.name) person.name = u.name;
  return person;
}

export function toOrganization(raw: unknown, ctx: ConnectorContext): AccountRecord | { id: string; rejected: string } {
  const parsed = OrganizationApiSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      id: String((raw as { id?: unknown })?.id ?? '?'),
      rejected: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  }
  const o = parsed.data;
  const fields = o.organization_fields ?? {};
  const roles: Record<string, OwnerValue> = {};
  for (const [role, mapping] of Object.entries(ctx.roles)) {
    const value = fields[mapping.field];
    if (value === null || value === undefined || value === '') roles[role] = null;
    else roles[role] = mapping.value === 'email' ? { email: String(value) } : { id: String(value) };
  }
  const xrefs: Record<string, string | null> = {};
  for (const field of ctx.xrefFields) {
    const value = TOP_LEVEL_XREFS.has(field) ? (o as Record<string, unknown>)[field] : fields[field];
    xrefs[field] = value === null || value === undefined || value === '' ? null : String(value);
  }
  return {
    system: 'zendesk',
    id: String(o.id),
    name: o.name ?? String(o.id),
    domains: o.domain_names ?? [],
    xrefs,
    roles,
    modifiedAt: o.updated_at ?? null,
  };
}

/** The organization_fields patch for one organization. */
export function organizationUpdate(id: string, fields: Record<string, string | number>) {
  return { id: Number(id), organization_fields: fields };
}

export function ticketsHeldBy(assigneeId: string): string {
  return `type:ticket assignee:${assigneeId} status<solved`;
}

export function ticketSearch(organizationId: string, assigneeId: string): string {
  return `type:ticket organization:${organizationId} assignee:${assigneeId} status<solved`;
}

/** Field types that can hold a person: a lookup to users (ids) or text (emails). */
export function fieldProblem(
  def: { key: string; type: string; active?: boolean; relationship_target_type?: string } | undefined,
  key: string,
  kind: 'id' | 'email',
): string | null {
  if (!def) return `Zendesk has no organization field "${key}"`;
  if (def.active === false) return `organization field "${key}" is inactive`;
  if (kind === 'id' && !(def.type === 'lookup' && def.relationship_target_type === 'zendesk/user')) {
    return `organization field "${key}" is ${def.type}, not a lookup to users (value: user_id)`;
  }
  if (kind === 'email' && !['text', 'regexp'].includes(def.type)) {
    return `organization field "${key}" is ${def.type}, not text (value: email)`;
  }
  return null;
}
