import type { Route, SandboxResponse } from '@spoc/sandbox/kit';
import { bodyOf, type FreshdeskEnv, isoSeconds } from './env.ts';
import { notFound, validationFailed } from './errors.ts';
import { matchesTicket, parseTicketQuery } from './filter-query.ts';
import { pageOf } from './paging.ts';
import type { Job, Row } from './store.ts';

/** The ticket list stops at page 300 (https://developers.freshdesk.com/api/#list_all_tickets). */
const LIST_MAX_PAGE = 300;
/** Without updated_since, the list answers tickets created in the last 30 days only. */
const DEFAULT_WINDOW_MS = 30 * 24 * 3_600_000;
/** The filter API: 30 a page, 10 pages (https://developers.freshdesk.com/api/#filter_tickets). */
const FILTER_PAGE = 30;
const FILTER_MAX_PAGE = 10;
/** Ids per bulk_update (*unverified*: kept to 100 like Freshdesk's other bulk limits). */
const BULK_CAP = 100;
/** A bulk job ends this long after it was queued; a poll before then sees it in progress. */
export const JOB_DELAY_MS = 20;

/** Tickets: list (by company, updated_since), view, update, the filter API, bulk_update and its job. */
export function ticketRoutes({ store, context }: FreshdeskEnv): Route[] {
  /** Sets the responder, or says why Freshdesk would not. */
  const assign = (ticket: Row, responderId: unknown): string | null => {
    if (responderId !== null && !store.isAssignable(responderId))
      return 'There is no agent matching the given responder_id';
    if (context.faults.failRecord()) return 'Injected record failure';
    ticket.responder_id = responderId;
    ticket.updated_at = isoSeconds(context.now());
    context.writes.record('tickets', String(ticket.id), 'responder_id', responderId);
    return null;
  };

  return [
    {
      method: 'GET',
      path: '/api/v2/tickets',
      handler: (req) => {
        const companyId = req.query.get('company_id');
        const since = req.query.get('updated_since');
        const sinceMs = since === null ? null : Date.parse(since);
        if (sinceMs !== null && Number.isNaN(sinceMs))
          return validationFailed([
            { field: 'updated_since', message: 'It should be in the date-time format', code: 'invalid_value' },
          ]);
        const candidates =
          companyId === null ? store.tickets.list : (store.ticketsByCompany.get(Number(companyId)) ?? []);
        const windowStart = context.now() - DEFAULT_WINDOW_MS;
        const rows = candidates
          .filter((t) =>
            sinceMs !== null
              ? Date.parse(String(t.updated_at)) >= sinceMs
              : Date.parse(String(t.created_at)) >= windowStart,
          )
          // Newest first, as Freshdesk orders by created_at desc.
          .sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)) || b.id - a.id);
        return pageOf(req, rows, (r) => r, LIST_MAX_PAGE);
      },
    },
    {
      method: 'GET',
      path: '/api/v2/search/tickets',
      handler: (req) => {
        const query = parseTicketQuery(req.query.get('query') ?? '');
        if ('problem' in query)
          return validationFailed([{ field: 'query', message: query.problem, code: 'invalid_value' }]);
        const page = Number(req.query.get('page') ?? 1);
        if (!Number.isInteger(page) || page < 1 || page > FILTER_MAX_PAGE)
          return validationFailed([
            { field: 'page', message: `It should be between 1 and ${FILTER_MAX_PAGE}`, code: 'invalid_value' },
          ]);
        const matched = store.tickets.list.filter((t) => matchesTicket(query, t));
        return {
          status: 200,
          body: { results: matched.slice((page - 1) * FILTER_PAGE, page * FILTER_PAGE), total: matched.length },
        };
      },
    },
    {
      method: 'POST',
      path: '/api/v2/tickets/bulk_update',
      handler: (req) => {
        const action = bodyOf(bodyOf(req.body).bulk_action);
        const ids = action.ids;
        if (!Array.isArray(ids) || ids.length === 0)
          return validationFailed([
            { field: 'ids', message: 'It should be a/an Array of Positive Integers', code: 'missing_field' },
          ]);
        if (ids.length > BULK_CAP)
          return validationFailed([
            {
              field: 'ids',
              message: `Has ${ids.length} elements, it can have maximum of ${BULK_CAP} elements`,
              code: 'invalid_value',
            },
          ]);
        const properties = bodyOf(action.properties);
        // Applied at once; the job reports each ticket's outcome once it has "run".
        const data = ids.map((raw) => {
          const id = Number(raw);
          const ticket = store.tickets.byId.get(id);
          if (!ticket)
            return {
              id,
              success: false,
              errors: [{ field: 'id', message: 'Ticket not found', code: 'invalid_value' }],
            };
          const problem = 'responder_id' in properties ? assign(ticket, properties.responder_id) : null;
          return problem
            ? { id, success: false, errors: [{ field: 'responder_id', message: problem, code: 'invalid_value' }] }
            : { id, success: true };
        });
        const job: Job = { id: store.newJobId(), createdAt: context.now(), data };
        store.jobs.set(job.id, job);
        return { status: 202, body: { job_id: job.id, href: `${req.baseUrl}/api/v2/jobs/${job.id}` } };
      },
    },
    {
      method: 'GET',
      path: '/api/v2/jobs/:id',
      handler: (req) => {
        const job = store.jobs.get(req.params.id ?? '');
        return job ? jobView(job, context.now()) : notFound();
      },
    },
    {
      method: 'GET',
      path: '/api/v2/tickets/:id',
      handler: (req) => {
        const ticket = store.tickets.byId.get(Number(req.params.id));
        return ticket ? { status: 200, body: ticket } : notFound();
      },
    },
    {
      method: 'PUT',
      path: '/api/v2/tickets/:id',
      handler: (req) => {
        const ticket = store.tickets.byId.get(Number(req.params.id));
        if (!ticket) return notFound();
        const update = bodyOf(req.body);
        if (!('responder_id' in update)) return { status: 200, body: ticket };
        const problem = assign(ticket, update.responder_id);
        if (problem) return validationFailed([{ field: 'responder_id', message: problem, code: 'invalid_value' }]);
        return { status: 200, body: ticket };
      },
    },
  ];
}

/**
 * GET /jobs/{id}: in progress until JOB_DELAY_MS have passed, then completed with a
 * result per ticket (the shape is *unverified* beyond the docs' sample).
 */
function jobView(job: Job, now: number): SandboxResponse {
  const done = now - job.createdAt >= JOB_DELAY_MS;
  return {
    status: 200,
    body: {
      id: job.id,
      status: done ? 'COMPLETED' : 'IN PROGRESS',
      action: 'bulk_update',
      progress: done ? 100 : 0,
      created_at: isoSeconds(job.createdAt),
      status_updated_at: isoSeconds(done ? job.createdAt + JOB_DELAY_MS : job.createdAt),
      data: done ? job.data : [],
    },
  };
}
