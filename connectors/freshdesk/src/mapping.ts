import type { AccountRecord, ConnectorContext, OwnerValue, PersonRecord, RecordOutcome } from '@spoc/core/connector';
import { z } from 'zod';
import { malformed } from './errors.ts';

/** Freshdesk paths, attribute names and statuses live here and nowhere else. */
const PAGE = 'per_page=100';
export const AGENTS_LIST = `/api/v2/agents?${PAGE}`;
export const COMPANIES_LIST = `/api/v2/companies?${PAGE}`;
export const COMPANY_FIELDS = '/api/v2/company_fields';
/** The agent the API key belongs to (check). */
export const ME = '/api/v2/agents/me';
export const TICKETS_BULK_UPDATE = '/api/v2/tickets/bulk_update';

export const companyPath = (id: string): string => `/api/v2/companies/${encodeURIComponent(id)}`;
export const ticketPath = (id: string): string => `/api/v2/tickets/${encodeURIComponent(id)}`;
export const jobPath = (id: string): string => `/api/v2/jobs/${encodeURIComponent(id)}`;

/** Ticket statuses a handover moves: 2 open, 3 pending (4 resolved and 5 closed stay). */
export const HANDOVER_STATUSES: readonly number[] = [2, 3];

/**
 * A company's tickets. The list answers only tickets created in the last 30 days unless
 * `updated_since` is given (https://developers.freshdesk.com/api/#list_all_tickets), so
 * an early date asks for all of them.
 */
export function companyTickets(companyId: string): string {
  return `/api/v2/tickets?company_id=${encodeURIComponent(companyId)}&updated_since=2000-01-01T00:00:00Z&${PAGE}`;
}

/** One filter-API call whose `total` counts every open and pending ticket (countCascadeScope). */
export const OPEN_TICKET_COUNT = `/api/v2/search/tickets?query=${encodeURIComponent(
  `"${HANDOVER_STATUSES.map((s) => `status:${s}`).join(' OR ')}"`,
)}`;

const AgentApiSchema = z.looseObject({
  id: z.number(),
  // Deactivated agents (newer accounts) stay listed with this flag.
  deactivated: z.boolean().nullable().optional(),
  contact: z.looseObject({
    email: z.string().nullable().optional(),
    name: z.string().nullable().optional(),
    active: z.boolean().nullable().optional(),
  }),
});

const CompanyApiSchema = z.looseObject({
  id: z.number(),
  name: z.string().nullable().optional(),
  domains: z.array(z.string()).nullable().optional(),
  custom_fields: z.record(z.string(), z.unknown()).nullable().optional(),
  updated_at: z.string().nullable().optional(),
});

const TicketApiSchema = z.looseObject({
  id: z.number(),
  status: z.number(),
  responder_id: z.number().nullable().optional(),
  company_id: z.number().nullable().optional(),
});

/** An agent as a person: their email is their contact's; deactivated or unverified agents are inactive. */
export function toPerson(raw: unknown): PersonRecord | null {
  const parsed = AgentApiSchema.safeParse(raw);
  if (!parsed.success) return null;
  const a = parsed.data;
  const person: PersonRecord = {
    system: 'freshdesk',
    id: String(a.id),
    email: a.contact.email ?? null,
    active: a.contact.active !== false && a.deactivated !== true,
  };
  if (a.contact.name) person.name = a.contact.name;
  return person;
}

/** What a company's role fields hold, given how a dropdown choice names an agent. */
export type ChoiceReader = (choice: string) => OwnerValue;

export function toCompany(
  raw: unknown,
  ctx: ConnectorContext,
  readChoice: ChoiceReader,
): AccountRecord | { id: string; rejected: string } {
  const parsed = CompanyApiSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      id: String((raw as { id?: unknown })?.id ?? '?'),
      rejected: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '),
    };
  }
  const c = parsed.data;
  const fields = c.custom_fields ?? {};
  const roles: Record<string, OwnerValue> = {};
  for (const [role, mapping] of Object.entries(ctx.roles)) {
    const value = text(fields[mapping.field]);
    if (value === null) roles[role] = null;
    else roles[role] = mapping.value === 'email' ? { email: value } : readChoice(value);
  }
  const xrefs: Record<string, string | null> = {};
  for (const field of ctx.xrefFields) {
    // A custom field, or one of the company's own attributes (description, note…).
    xrefs[field] = text(field in fields ? fields[field] : (c as Record<string, unknown>)[field]);
  }
  return {
    system: 'freshdesk',
    id: String(c.id),
    name: c.name ?? String(c.id),
    domains: c.domains ?? [],
    xrefs,
    roles,
    modifiedAt: c.updated_at ?? null,
  };
}

function text(value: unknown): string | null {
  if (value === null || value === undefined || typeof value === 'object') return null;
  const s = String(value).trim();
  return s === '' ? null : s;
}

/** The body of PUT /companies/{id}: only the custom fields being written. */
export function companyUpdate(fields: Record<string, string>): object {
  return { custom_fields: fields };
}

/** tickets/bulk_update: the ids and the one property that changes. */
export function ticketsReassign(ticketIds: string[], responderId: string): object {
  return { bulk_action: { ids: ticketIds.map(Number), properties: { responder_id: Number(responderId) } } };
}

/** PUT /tickets/{id} for one ticket. */
export function ticketReassign(responderId: string): object {
  return { responder_id: Number(responderId) };
}

/** A ticket as the handover needs it, or null for one it cannot read. */
export function toTicket(raw: unknown): { id: string; status: number; responderId: string | null } | null {
  const t = TicketApiSchema.safeParse(raw);
  if (!t.success) return null;
  return {
    id: String(t.data.id),
    status: t.data.status,
    responderId: t.data.responder_id == null ? null : String(t.data.responder_id),
  };
}

const FieldApiSchema = z.looseObject({
  name: z.string(),
  type: z.string(),
  label: z.string().nullable().optional(),
  choices: z.array(z.unknown()).nullable().optional(),
});
export type FieldDefinition = { name: string; type: string; choices: string[] };

/** Company field definitions by name; a dropdown's choices as strings. */
export function companyFieldDefinitions(body: unknown): Map<string, FieldDefinition> {
  const defs = new Map<string, FieldDefinition>();
  for (const raw of arrayOf(body, 'company fields')) {
    const f = FieldApiSchema.safeParse(raw);
    if (!f.success) continue;
    const choices = (f.data.choices ?? []).filter((c): c is string => typeof c === 'string');
    defs.set(f.data.name, { name: f.data.name, type: f.data.type, choices });
  }
  return defs;
}

/** Text for an email, a dropdown for agent choices (value 'id' is how core sees agent_dropdown). */
export function fieldProblem(def: FieldDefinition | undefined, name: string, kind: 'id' | 'email'): string | null {
  if (!def) return `Freshdesk has no company field "${name}"`;
  if (kind === 'email' && def.type !== 'custom_text')
    return `company field "${name}" is ${def.type}, not a single-line text field (value: email)`;
  if (kind === 'id' && def.type !== 'custom_dropdown')
    return `company field "${name}" is ${def.type}, not a dropdown (value: agent_dropdown)`;
  return null;
}

/** The me endpoint answers the API key's agent. */
export function credentialsProblem(body: unknown): string | null {
  return AgentApiSchema.safeParse(body).success ? null : 'Freshdesk did not answer agents/me with an agent';
}

/** List endpoints answer a bare array. */
export function arrayOf(body: unknown, what: string): unknown[] {
  if (!Array.isArray(body)) throw malformed(what, 'not an array');
  return body;
}

const SearchApiSchema = z.looseObject({ total: z.number(), results: z.array(z.unknown()) });

/** How many records a filter query matched. */
export function searchTotal(body: unknown): number {
  const s = SearchApiSchema.safeParse(body);
  if (!s.success) throw malformed('ticket filter', s.error.issues.map((i) => i.message).join('; '));
  return s.data.total;
}

const JobQueuedApiSchema = z.looseObject({ job_id: z.string() });

export function queuedJobId(body: unknown): string {
  const j = JobQueuedApiSchema.safeParse(body);
  if (!j.success) throw malformed('bulk update', 'no job_id');
  return j.data.job_id;
}

/**
 * A bulk job as GET /jobs/{id} answers it (*unverified* beyond the docs' sample: a
 * status, and per ticket `{id, success, errors?}` under `data`). Read leniently: any
 * status that is not queued or in progress is an end, and only a ticket the job lists
 * as a success counts as moved.
 */
const JobApiSchema = z.looseObject({
  id: z.string(),
  status: z.string(),
  data: z
    .array(
      z.looseObject({
        id: z.union([z.number(), z.string()]),
        success: z.boolean().nullable().optional(),
        errors: z.unknown().optional(),
        message: z.string().nullable().optional(),
      }),
    )
    .nullable()
    .optional(),
});
export type Job = z.infer<typeof JobApiSchema>;

export function parseJob(body: unknown): Job {
  const j = JobApiSchema.safeParse(body);
  if (!j.success) throw malformed('job', j.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return j.data;
}

export const jobFinished = (job: Job): boolean => !/queue|progress|pending|running/i.test(job.status);

/** Per ticket of a finished job: moved only where the job says so. */
export function jobOutcome(job: Job, ids: string[]): Map<string, RecordOutcome> {
  const outcome = new Map<string, RecordOutcome>();
  for (const r of job.data ?? []) {
    const id = String(r.id);
    if (r.success === true) outcome.set(id, { ok: true });
    else
      outcome.set(id, {
        ok: false,
        code: 'TICKET_NOT_UPDATED',
        message: r.message ?? (fieldErrors(r.errors) || `job ${job.id} did not update this ticket`),
      });
  }
  for (const id of ids) {
    if (!outcome.has(id))
      outcome.set(id, { ok: false, code: 'NO_RESULT', message: `job ${job.id} (${job.status}) reported no result` });
  }
  return outcome;
}

const FieldErrorsApiSchema = z.array(
  z.looseObject({ field: z.string().nullable().optional(), message: z.string().nullable().optional() }),
);

/** `[{field, message, code}]` as `field: message; …` (empty when it is not that shape). */
function fieldErrors(errors: unknown): string {
  const parsed = FieldErrorsApiSchema.safeParse(errors);
  if (!parsed.success) return errors === undefined ? '' : JSON.stringify(errors);
  return parsed.data.map((e) => [e.field, e.message].filter(Boolean).join(': ')).join('; ');
}
