import type { RateState, SandboxRequest, SandboxResponse, VendorApp, VendorContext } from '../kit/types.ts';
import type { ZendeskSeed } from '../seed/types.ts';
import { type Job, type Row, type Table, ZendeskStore } from './store.ts';

const UNSOLVED = new Set(['new', 'open', 'pending', 'hold']);
const EXPORT_PAGE = 1000;
/** Zendesk completes a bulk job shortly after it is queued. */
const JOB_DELAY_MS = 20;

/**
 * Zendesk Support API v2 as node-zendesk sees it: users and organizations with cursor
 * paging, organization fields, the incremental organization export (last minute
 * excluded), bulk updates as asynchronous job statuses, ticket search and bulk ticket
 * updates, the per-minute limits with their headers, and Zendesk's error bodies.
 */
export function createZendeskApp(seed: ZendeskSeed | undefined, context: VendorContext): VendorApp {
  const store = new ZendeskStore(seed);
  const nowIso = () => `${new Date(context.now()).toISOString().slice(0, 19)}Z`;

  const cursorPage = (req: SandboxRequest, table: Table, key: string, keep: (row: Row) => boolean): SandboxResponse => {
    const size = Math.min(100, Math.max(1, Number(req.query.get('page[size]') ?? 100)));
    const after = req.query.get('page[after]');
    let start = after ? Number(Buffer.from(after, 'base64url').toString()) : 0;
    if (!Number.isInteger(start) || start < 0)
      return error(400, 'InvalidPaginationParameter', 'page[after] is not a valid cursor');
    const rows: Row[] = [];
    for (; start < table.list.length && rows.length < size; start++) {
      const row = table.list[start] as Row;
      if (keep(row)) rows.push(row);
    }
    while (start < table.list.length && !keep(table.list[start] as Row)) start++;
    const hasMore = start < table.list.length;
    const cursor = Buffer.from(String(start)).toString('base64url');
    const params = new URLSearchParams(req.query);
    params.set('page[after]', cursor);
    return {
      status: 200,
      body: {
        [key]: rows.map((r) => withUrl(req, key, r)),
        meta: { has_more: hasMore, after_cursor: hasMore ? cursor : null, before_cursor: null },
        links: { prev: null, next: hasMore ? `${req.baseUrl}${req.path}?${params}` : null },
      },
    };
  };

  const job = (req: SandboxRequest, results: Record<string, unknown>[]): SandboxResponse => {
    const id = `job${store.newId()}`;
    const created: Job = { id, createdAt: context.now(), total: results.length, results, status: 'queued' };
    store.jobs.set(id, created);
    return { status: 200, body: { job_status: jobView(req, created) } };
  };

  const jobView = (req: SandboxRequest, j: Job) => {
    if (j.status === 'queued' && context.now() - j.createdAt >= JOB_DELAY_MS) j.status = 'completed';
    const done = j.status === 'completed';
    return {
      id: j.id,
      url: `${req.baseUrl}/api/v2/job_statuses/${j.id}.json`,
      status: j.status,
      total: j.total,
      progress: done ? j.total : 0,
      message: done ? `Completed at ${nowIso()}` : null,
      results: done ? j.results : null,
    };
  };

  const routes: VendorApp['routes'] = [
    {
      method: 'GET',
      path: '/api/v2/users/me.json',
      handler: () => ({ status: 200, body: { user: { id: 1, email: 'ops@acme.test', role: 'admin', active: true } } }),
    },
    {
      method: 'GET',
      path: '/api/v2/users.json',
      handler: (req) => {
        const roles = [...req.query.getAll('role[]'), ...req.query.getAll('role')];
        return cursorPage(req, store.users, 'users', (u) => roles.length === 0 || roles.includes(String(u.role)));
      },
    },
    {
      method: 'GET',
      path: '/api/v2/organizations.json',
      handler: (req) => cursorPage(req, store.organizations, 'organizations', () => true),
    },
    {
      method: 'GET',
      path: '/api/v2/organization_fields.json',
      handler: () => ({
        status: 200,
        body: { organization_fields: store.fields, next_page: null, previous_page: null, count: store.fields.length },
      }),
    },
    {
      method: 'GET',
      path: '/api/v2/incremental/organizations.json',
      bucket: 'incremental',
      handler: (req) => {
        const start = Number(req.query.get('start_time'));
        const horizon = Math.floor(context.now() / 1000) - 60;
        if (!Number.isInteger(start) || start < 0) return error(400, 'InvalidValue', 'start_time is required');
        if (start > horizon)
          return error(400, 'InvalidValue', 'Too recent start_time. Use a start_time older than 1 minute');
        const rows = store.organizations.list
          .map((o) => ({ o, t: Math.floor(Date.parse(String(o.updated_at)) / 1000) }))
          .filter(({ t }) => t >= start && t <= horizon)
          .sort((a, b) => a.t - b.t || a.o.id - b.o.id);
        const page = rows.slice(0, EXPORT_PAGE);
        const endOfStream = rows.length <= EXPORT_PAGE;
        const endTime = page.length > 0 ? (page[page.length - 1]?.t ?? start) : start;
        // Like Zendesk, a full page whose records all share one second cannot advance:
        // the next page starts after that second.
        const nextStart = endOfStream ? endTime : endTime === start ? endTime + 1 : endTime;
        return {
          status: 200,
          body: {
            organizations: page.map(({ o }) => withUrl(req, 'organizations', o)),
            next_page: `${req.baseUrl}${req.path}?start_time=${nextStart}`,
            count: page.length,
            end_time: nextStart,
            end_of_stream: endOfStream,
          },
        };
      },
    },
    {
      method: 'PUT',
      path: '/api/v2/organizations/update_many.json',
      handler: (req) => {
        const updates = ((req.body ?? {}) as { organizations?: Record<string, unknown>[] }).organizations ?? [];
        if (updates.length > 100) return error(400, 'TooManyRecords', 'Too many organizations: at most 100');
        const lookups = new Set(store.fields.filter((f) => f.type === 'lookup').map((f) => String(f.key)));
        const at = nowIso();
        const results = updates.map((update, index) => {
          const id = Number(update.id);
          const org = store.organizations.byId.get(id);
          if (!org)
            return {
              id,
              index,
              action: 'update',
              success: false,
              error: 'OrganizationNotFound',
              details: `Organization ${id} not found`,
            };
          const fields = (update.organization_fields ?? {}) as Record<string, unknown>;
          const bad = Object.entries(fields).find(([k, v]) => lookups.has(k) && v !== null && !store.isAgent(v));
          if (bad)
            return {
              id,
              index,
              action: 'update',
              success: false,
              error: 'InvalidValue',
              details: `${bad[0]}: ${String(bad[1])} is not an agent`,
            };
          if (context.faults.failRecord())
            return {
              id,
              index,
              action: 'update',
              success: false,
              error: 'InvalidValue',
              details: 'Injected record failure',
            };
          const current = (org.organization_fields ?? {}) as Record<string, unknown>;
          for (const [k, v] of Object.entries(fields)) {
            current[k] = v;
            context.writes.record('organizations', String(id), `organization_fields.${k}`, v);
          }
          org.organization_fields = current;
          org.updated_at = at;
          return { id, index, action: 'update', status: 'Updated', success: true };
        });
        return job(req, results);
      },
    },
    {
      method: 'GET',
      path: '/api/v2/organizations/:id',
      handler: (req) => {
        const org = store.organizations.byId.get(Number(stripJson(req.params.id)));
        return org
          ? { status: 200, body: { organization: withUrl(req, 'organizations', org) } }
          : error(404, 'RecordNotFound', 'Not found');
      },
    },
    {
      method: 'GET',
      path: '/api/v2/job_statuses/:id',
      handler: (req) => {
        const j = store.jobs.get(stripJson(req.params.id));
        return j ? { status: 200, body: { job_status: jobView(req, j) } } : error(404, 'RecordNotFound', 'Not found');
      },
    },
    {
      method: 'GET',
      path: '/api/v2/search.json',
      handler: (req) => {
        const query = req.query.get('query') ?? '';
        const perPage = Math.min(100, Number(req.query.get('per_page') ?? 100));
        const page = Math.max(1, Number(req.query.get('page') ?? 1));
        if (page * perPage > 1000)
          return { status: 422, body: { error: 'invalid', description: 'Search results are limited to 1000' } };
        const matched = store.tickets.list.filter((t) => matchesTicketQuery(t, query)).sort((a, b) => a.id - b.id);
        const slice = matched.slice((page - 1) * perPage, page * perPage);
        const next =
          page * perPage < matched.length
            ? `${req.baseUrl}${req.path}?${new URLSearchParams({ query, page: String(page + 1), per_page: String(perPage) })}`
            : null;
        return {
          status: 200,
          body: {
            results: slice.map((t) => ({ ...withUrl(req, 'tickets', t), result_type: 'ticket' })),
            next_page: next,
            previous_page: null,
            count: matched.length,
            facets: null,
          },
        };
      },
    },
    {
      method: 'PUT',
      path: '/api/v2/tickets/update_many.json',
      handler: (req) => {
        const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean).map(Number);
        if (ids.length > 100) return error(400, 'TooManyRecords', 'Too many tickets: at most 100');
        const patch = ((req.body ?? {}) as { ticket?: Record<string, unknown> }).ticket ?? {};
        const at = nowIso();
        const results = ids.map((id, index) => {
          const ticket = store.tickets.byId.get(id);
          if (!ticket)
            return {
              id,
              index,
              action: 'update',
              success: false,
              error: 'TicketNotFound',
              details: `Ticket ${id} not found`,
            };
          if (ticket.status === 'closed')
            return {
              id,
              index,
              action: 'update',
              success: false,
              error: 'TicketClosed',
              details: 'Closed tickets cannot be updated',
            };
          if ('assignee_id' in patch && patch.assignee_id !== null && !store.isAgent(patch.assignee_id)) {
            return {
              id,
              index,
              action: 'update',
              success: false,
              error: 'InvalidValue',
              details: 'Assignee is not an agent',
            };
          }
          for (const [k, v] of Object.entries(patch)) {
            ticket[k] = v;
            context.writes.record('tickets', String(id), k, v);
          }
          ticket.updated_at = at;
          return { id, index, action: 'update', status: 'Updated', success: true };
        });
        return job(req, results);
      },
    },
    {
      method: 'GET',
      path: '/api/v2/tickets/:id',
      handler: (req) => {
        const ticket = store.tickets.byId.get(Number(stripJson(req.params.id)));
        return ticket
          ? { status: 200, body: { ticket: withUrl(req, 'tickets', ticket) } }
          : error(404, 'RecordNotFound', 'Not found');
      },
    },
  ];

  return {
    name: 'zendesk',
    routes,
    authenticate: (req) => {
      const auth = req.headers.authorization ?? '';
      let token = '';
      if (auth.startsWith('Bearer ')) token = auth.slice(7).trim();
      else if (auth.startsWith('Basic ')) {
        const decoded = Buffer.from(auth.slice(6), 'base64').toString();
        const match = /^[^:/]+@[^:/]+\/token:(.+)$/.exec(decoded);
        token = match?.[1] ?? '';
      }
      return token === '' || token === 'invalid' ? { status: 401, body: { error: "Couldn't authenticate you" } } : null;
    },
    buckets: { default: { cap: 700, windowMs: 60_000 }, incremental: { cap: 10, windowMs: 60_000 } },
    rateLimited: (state: RateState) => ({
      status: 429,
      headers: { 'retry-after': String(Math.max(1, Math.ceil(state.resetMs / 1000))) },
      text: 'Rate limit for ratelimit exceeded. Please wait and try again.',
    }),
    rateHeaders: (state: RateState) => ({
      'x-rate-limit': String(state.cap),
      'x-rate-limit-remaining': String(Math.max(0, state.remaining)),
    }),
    error: (status, message) => error(status, status === 404 ? 'InvalidEndpoint' : 'ServerError', message),
    reset: () => store.reset(),
  };
}

function error(status: number, code: string, description: string): SandboxResponse {
  return { status, body: { error: code, description } };
}

function stripJson(id: string | undefined): string {
  return (id ?? '').replace(/\.json$/, '');
}

function withUrl(req: SandboxRequest, collection: string, row: Row): Row {
  return { ...row, url: `${req.baseUrl}/api/v2/${collection}/${row.id}.json` };
}

/** The ticket search subset spoc uses: type, organization, assignee and status terms. */
function matchesTicketQuery(ticket: Row, query: string): boolean {
  for (const term of query.split(/\s+/).filter(Boolean)) {
    const m = /^(\w+)([:<>])(.+)$/.exec(term);
    if (!m) continue;
    const [, key, op, value] = m;
    if (key === 'type' && value !== 'ticket') return false;
    if (key === 'organization' && String(ticket.organization_id) !== value) return false;
    if (key === 'assignee' && (value === 'none' ? ticket.assignee_id != null : String(ticket.assignee_id) !== value))
      return false;
    if (key === 'status') {
      const status = String(ticket.status);
      if (op === ':' && status !== value) return false;
      if (op === '<' && value === 'solved' && !UNSOLVED.has(status)) return false;
    }
  }
  return true;
}
