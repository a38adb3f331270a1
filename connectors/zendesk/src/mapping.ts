import {
  type AccountRecord,
  type ConnectorContext,
  type OwnerValue,
  type PersonRecord,
  type RecordOutcome,
  SpocError,
} from '@spoc/core/connector';
import { z } from 'zod';

/** Zendesk attribute names live here and nowhere else. */
export const TOP_LEVEL_XREFS = new Set(['external_id']);
export const UNSOLVED = ['new', 'open', 'pending', 'hold'];

/** A cursor-paged list: its path and query (100 a page). */
export interface ListQuery {
  path: string[];
  query: string;
}
const PAGE = 'page[size]=100';
/** Agents and admins (end-users are customers, not people). */
export const PEOPLE_LIST: ListQuery = { path: ['users'], query: `role[]=agent&role[]=admin&${PAGE}` };
export const ORGANIZATIONS_LIST: ListQuery = { path: ['organizations'], query: PAGE };
/** Who the credentials are (check). */
export const ME = ['users', 'me'];
/** The organization field definitions (check), paged like any list. */
export const ORGANIZATION_FIELDS: ListQuery = { path: ['organization_fields'], query: PAGE };

/** The incremental organization export from `startTime` (Unix seconds, inclusive). */
export function organizationsExport(startTime: number): string[] {
  return ['incremental', 'organizations', `?start_time=${startTime}`];
}

/** A search (its syntax: ticketsHeldBy, ticketSearch, openTicketCount). */
export function search(query: string): string[] {
  return ['search', `?query=${encodeURIComponent(query)}`];
}

/** An organization's tickets, every status, cursor-paged (live, unlike search). */
export function organizationTickets(organizationId: string): ListQuery {
  return { path: ['organizations', organizationId, 'tickets'], query: PAGE };
}

export function jobStatusUri(jobId: string): string[] {
  return ['job_statuses', jobId];
}

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

const TicketApiSchema = z.looseObject({
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

/** The Unix second an organization was last updated (what the export orders by), or null. */
export function updatedSecond(raw: unknown): number | null {
  const ms = Date.parse(String((raw as { updated_at?: unknown } | null)?.updated_at ?? ''));
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

/**
 * organizations/update_many for a chunk of organizations (field key → value per
 * organization). Lookup fields hold user ids as numbers; email text fields keep their string.
 */
export function organizationsUpdate(entries: [string, Record<string, string>][], roles: ConnectorContext['roles']) {
  const kinds = new Map(Object.values(roles).map((m) => [m.field, m.value]));
  return {
    uri: ['organizations', 'update_many'],
    body: {
      organizations: entries.map(([id, fields]) => ({
        id: Number(id),
        organization_fields: Object.fromEntries(
          Object.entries(fields).map(([k, v]) => [k, kinds.get(k) === 'id' ? Number(v) : v]),
        ),
      })),
    },
  };
}

/** tickets/update_many: the ids go in the query string, the one change in the body. */
export function ticketsReassign(ticketIds: string[], assigneeId: string) {
  return {
    uri: ['tickets', 'update_many', `?ids=${ticketIds.join(',')}`],
    body: { ticket: { assignee_id: Number(assigneeId) } },
  };
}

const ListEnvelopeApiSchema = z.looseObject({
  meta: z
    .looseObject({ has_more: z.boolean().nullable().optional(), after_cursor: z.string().nullable().optional() })
    .nullable()
    .optional(),
  links: z.looseObject({ next: z.string().nullable().optional() }).nullable().optional(),
  next_page: z.string().nullable().optional(),
});

/**
 * Where a list goes next, or null when this was the last page: a cursor page's
 * links.next (or after_cursor), or an offset page's next_page (what Zendesk answers
 * when it does not page by cursor).
 */
export function cursorMore(body: unknown): { nextUrl: string | null; afterCursor: string | null } | null {
  const e = ListEnvelopeApiSchema.safeParse(body);
  if (!e.success) return null;
  if (e.data.meta) {
    if (!e.data.meta.has_more) return null;
    return { nextUrl: e.data.links?.next ?? null, afterCursor: e.data.meta.after_cursor ?? null };
  }
  return e.data.next_page ? { nextUrl: e.data.next_page, afterCursor: null } : null;
}

/** Envelopes of list endpoints: the records stay `unknown` until each is parsed on its own. */
export const usersPage = (body: unknown): unknown[] => arrayAt(body, 'users');
export const organizationsPage = (body: unknown): unknown[] => arrayAt(body, 'organizations');
export const ticketsPage = (body: unknown): unknown[] => arrayAt(body, 'tickets');

const ExportApiSchema = z.looseObject({
  organizations: z.array(z.unknown()),
  next_page: z.string().nullable().optional(),
  end_time: z.number().nullable().optional(),
  end_of_stream: z.boolean().nullable().optional(),
});

/** The incremental organization export page, as spoc uses it. */
export function exportPage(body: unknown) {
  const e = parseEnvelope(ExportApiSchema, body, 'incremental organization export');
  return {
    records: e.organizations,
    next: e.next_page ?? null,
    endTime: e.end_time ?? null,
    endOfStream: e.end_of_stream !== false,
  };
}

const SearchApiSchema = z.looseObject({
  results: z.array(z.unknown()),
  next_page: z.string().nullable().optional(),
  count: z.number().nullable().optional(),
});

export function searchPage(body: unknown) {
  const s = parseEnvelope(SearchApiSchema, body, 'search');
  return { results: s.results, next: s.next_page ?? null, count: s.count ?? null };
}

/** An unsolved ticket as the handover needs it, or null for anything else. */
export function toOpenTicket(
  raw: unknown,
): { id: string; status: string; assigneeId: string | null; orgId: string } | null {
  const t = TicketApiSchema.safeParse(raw);
  if (!t.success || t.data.organization_id == null) return null;
  return {
    id: String(t.data.id),
    status: t.data.status,
    assigneeId: t.data.assignee_id == null ? null : String(t.data.assignee_id),
    orgId: String(t.data.organization_id),
  };
}

const MeApiSchema = z.looseObject({
  user: z.looseObject({ id: z.number().nullable().optional(), role: z.string().nullable().optional() }),
});

/** Who the credentials are: Zendesk answers users/me for an unauthenticated caller with an anonymous user. */
export function credentialsProblem(body: unknown): string | null {
  const me = MeApiSchema.safeParse(body);
  if (!me.success || me.data.user.id == null)
    return 'Zendesk did not recognise the credentials (users/me is anonymous)';
  // Agents may be allowed to edit organizations, but the incremental export is admin-only.
  if (me.data.user.role !== 'admin')
    return `the Zendesk API user is ${me.data.user.role ?? 'of no role'}, not an admin: incremental organization exports and organization edits need an admin`;
  return null;
}

const FieldApiSchema = z.looseObject({
  key: z.string(),
  type: z.string(),
  active: z.boolean().optional(),
  relationship_target_type: z.string().nullable().optional(),
});
export type FieldDefinition = z.infer<typeof FieldApiSchema>;

/** The definitions of one page of organization fields, added to `defs`. */
export function organizationFieldDefinitions(
  body: unknown,
  defs = new Map<string, FieldDefinition>(),
): Map<string, FieldDefinition> {
  for (const raw of arrayAt(body, 'organization_fields')) {
    const f = FieldApiSchema.safeParse(raw);
    if (f.success) defs.set(f.data.key, f.data);
  }
  return defs;
}

/** Whether a cross-reference lives in an organization field (external_id is an attribute). */
export const isFieldXref = (name: string): boolean => !TOP_LEVEL_XREFS.has(name);

const JobStatusApiSchema = z.looseObject({
  job_status: z.looseObject({
    id: z.string(),
    status: z.string(),
    message: z.string().nullable().optional(),
    results: z
      .array(
        z.looseObject({
          id: z.union([z.number(), z.string()]).nullable().optional(),
          index: z.number().nullable().optional(),
          success: z.boolean().nullable().optional(),
          status: z.string().nullable().optional(),
          error: z.string().nullable().optional(),
          details: z.string().nullable().optional(),
        }),
      )
      .nullable()
      .optional(),
  }),
});
export type JobStatus = z.infer<typeof JobStatusApiSchema>['job_status'];

const FINISHED = new Set(['completed', 'failed', 'killed']);

/** A job Zendesk will not touch again: completed, failed or killed. */
export const jobFinished = (job: JobStatus): boolean => FINISHED.has(job.status);

export function parseJobStatus(body: unknown): JobStatus {
  return parseEnvelope(JobStatusApiSchema, body, 'job status').job_status;
}

/**
 * Per record of a finished job: its own result, found by position (`index` into `ids`,
 * the order the request listed them; a failed result's `id` may be that position rather
 * than the record's id), else a failure that says why. Records a killed job never
 * reached are `unfinished` instead: it is safe to send them again.
 */
export function jobOutcome(
  job: JobStatus,
  ids: string[],
): { outcome: Map<string, RecordOutcome>; unfinished: string[] } {
  const outcome = new Map<string, RecordOutcome>();
  for (const r of job.results ?? []) {
    const id = r.index != null ? ids[r.index] : r.id != null && ids.includes(String(r.id)) ? String(r.id) : undefined;
    if (id === undefined) continue;
    const failed = r.success === false || !!r.error || /fail|error/i.test(r.status ?? '');
    if (failed)
      outcome.set(id, { ok: false, code: r.error ?? 'FAILED', message: r.details ?? r.error ?? 'update failed' });
    else if (r.success === true || job.status === 'completed') outcome.set(id, { ok: true });
  }
  const unfinished: string[] = [];
  for (const id of ids) {
    if (outcome.has(id)) continue;
    if (job.status === 'killed') unfinished.push(id);
    else
      outcome.set(
        id,
        job.status === 'completed'
          ? { ok: false, code: 'NO_RESULT', message: `job ${job.id} reported no result for this record` }
          : { ok: false, code: 'JOB_FAILED', message: `job ${job.id} ${job.status}: ${job.message ?? 'no detail'}` },
      );
  }
  return { outcome, unfinished };
}

function arrayAt(body: unknown, key: string): unknown[] {
  const value = (body as Record<string, unknown> | null)?.[key];
  if (!Array.isArray(value)) throw malformed(key, `no "${key}" array`);
  return value;
}

function parseEnvelope<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success)
    throw malformed(what, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}

/** A response whose envelope is not Zendesk's: the page is unusable (a record-level flaw is rejected instead). */
function malformed(what: string, detail: string): SpocError {
  return new SpocError('vendor', 'ZENDESK_MALFORMED', `Zendesk ${what} response is malformed: ${detail}`, {
    system: 'zendesk',
  });
}

/** Every unsolved ticket (its count answers how many the account holds), in Zendesk search syntax. */
export function openTicketCount(): string {
  return 'type:ticket status<solved';
}

/** Field types that can hold a person: a lookup to users (ids) or text (emails). */
export function fieldProblem(def: FieldDefinition | undefined, key: string, kind: 'id' | 'email'): string | null {
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
