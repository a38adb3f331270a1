import type { Route } from '@spoc/sandbox/kit';
import { BEHAVIOUR_DEFAULTS } from './behaviours.ts';
import { listPage } from './cursor-paging.ts';
import type { ZendeskEnv } from './env.ts';
import { notFound, zendeskError } from './errors.ts';
import { type JobResult, planJob, queueJob, updateFailure, updateSuccess } from './jobs.ts';
import { body, idParam, isoSeconds, withUrl } from './responses.ts';
import type { Row } from './store.ts';
import { matchesTicket, parseTicketQuery } from './ticket-query.ts';

const BULK_CAP = 100;
const SEARCH_PAGE = 100;
const SEARCH_WINDOW = 1000;
const READ_ONLY = new Set(['id', 'url', 'created_at', 'updated_at']);

/** Tickets: show, create, update, an organization's tickets, search (behind the writes), and update_many (?ids=) as a job. */
export function ticketRoutes({ store, context }: ZendeskEnv): Route[] {
  return [
    {
      method: 'POST',
      path: '/api/v2/tickets.json',
      handler: (req) => {
        const attrs = body<{ ticket: Record<string, unknown> }>(req).ticket;
        if (!attrs) return zendeskError(422, 'RecordInvalid', 'Record validation errors: ticket is required');
        const at = isoSeconds(context.now());
        const row: Row = {
          subject: null,
          status: 'new',
          assignee_id: null,
          organization_id: null,
          requester_id: null,
          ...attrs,
          id: store.newId(),
          created_at: at,
          updated_at: at,
        };
        store.addTicket(row, context.now());
        return { status: 201, body: { ticket: withUrl(req, 'tickets', row) } };
      },
    },
    {
      method: 'GET',
      path: '/api/v2/search.json',
      handler: (req) => {
        const perPage = Math.min(SEARCH_PAGE, Math.max(1, Number(req.query.get('per_page') ?? SEARCH_PAGE) || 1));
        const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
        if (page * perPage > SEARCH_WINDOW)
          return zendeskError(422, 'invalid', `Search results are limited to ${SEARCH_WINDOW}`);
        const query = parseTicketQuery(req.query.get('query') ?? '');
        store.search.refresh(
          context.now(),
          context.faults.behaviour('zendesk.searchLagMs', BEHAVIOUR_DEFAULTS['zendesk.searchLagMs']),
        );
        const matched: Row[] = [];
        for (const t of store.search.candidates(query.organizationId, query.assigneeId))
          if (matchesTicket(query, t)) matched.push(t);
        matched.sort((a, b) => a.id - b.id);
        const slice = matched.slice((page - 1) * perPage, page * perPage);
        const link = (n: number) => {
          const params = new URLSearchParams(req.query);
          params.set('page', String(n));
          params.set('per_page', String(perPage));
          return `${req.baseUrl}${req.path}?${params}`;
        };
        const hasNext = page * perPage < Math.min(matched.length, SEARCH_WINDOW);
        return {
          status: 200,
          body: {
            results: slice.map((t) => ({ ...withUrl(req, 'tickets', t), result_type: 'ticket' })),
            facets: null,
            next_page: hasNext ? link(page + 1) : null,
            previous_page: page > 1 ? link(page - 1) : null,
            count: matched.length,
          },
        };
      },
    },
    {
      method: 'PUT',
      path: '/api/v2/tickets/update_many.json',
      handler: (req) => {
        const ids = (req.query.get('ids') ?? '').split(',').filter(Boolean).map(Number);
        if (ids.length === 0) return zendeskError(400, 'InvalidValue', 'ids is required');
        if (ids.length > BULK_CAP)
          return zendeskError(400, 'TooManyValues', `Too many tickets: at most ${BULK_CAP} ids`);
        const patch = body<{ ticket: Record<string, unknown> }>(req).ticket ?? {};
        const at = isoSeconds(context.now());
        const plan = planJob(context, ids.length);
        const results = ids.slice(0, plan.processed).map((id, index): JobResult => {
          const ticket = store.tickets.byId.get(id);
          if (!ticket) return updateFailure(context, id, index, 'RecordNotFound', `Ticket ${id} not found`);
          if (ticket.status === 'closed')
            return updateFailure(context, id, index, 'TicketClosed', 'Closed tickets cannot be updated');
          if ('assignee_id' in patch && patch.assignee_id !== null && !store.isAgent(patch.assignee_id))
            return updateFailure(
              context,
              id,
              index,
              'InvalidValue',
              `Assignee ${String(patch.assignee_id)} is not an agent`,
            );
          if (context.faults.failRecord())
            return updateFailure(context, id, index, 'InvalidValue', 'Injected record failure');
          for (const [k, v] of Object.entries(patch)) {
            if (READ_ONLY.has(k)) continue;
            store.setTicketField(ticket, k, v);
            context.writes.record('tickets', String(id), k, v);
          }
          ticket.updated_at = at;
          store.ticketChanged(ticket, context.now());
          return updateSuccess(id, index);
        });
        return queueJob(req, store, context, plan, ids.length, results);
      },
    },
    {
      // https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#list-tickets
      // (GET /api/v2/organizations/{organization_id}/tickets): live, every status, paged.
      method: 'GET',
      path: '/api/v2/organizations/:id/tickets.json',
      handler: (req) => {
        const orgId = Number(req.params.id);
        if (!store.organizations.byId.has(orgId)) return notFound();
        return listPage(req, store.organizationTickets(orgId), 'tickets');
      },
    },
    {
      // https://developer.zendesk.com/api-reference/ticketing/tickets/tickets/#update-ticket:
      // `{ticket}` in, `{ticket, audit}` out; a closed ticket cannot be updated.
      method: 'PUT',
      path: '/api/v2/tickets/:id',
      handler: (req) => {
        const ticket = store.tickets.byId.get(Number(idParam(req)));
        if (!ticket) return notFound();
        const patch = body<{ ticket: Record<string, unknown> }>(req).ticket;
        if (!patch || typeof patch !== 'object') return zendeskError(400, 'InvalidValue', 'ticket is required');
        if (ticket.status === 'closed') return recordInvalid('status', 'closed prevents ticket update');
        if ('assignee_id' in patch && patch.assignee_id !== null && !store.isAgent(patch.assignee_id))
          return recordInvalid('assignee_id', `${String(patch.assignee_id)} is not an agent`);
        const events: Record<string, unknown>[] = [];
        for (const [k, v] of Object.entries(patch)) {
          if (READ_ONLY.has(k)) continue;
          events.push({
            id: store.newId(),
            type: 'Change',
            field_name: k,
            value: v,
            previous_value: ticket[k] ?? null,
          });
          store.setTicketField(ticket, k, v);
          context.writes.record('tickets', String(ticket.id), k, v);
        }
        const at = isoSeconds(context.now());
        ticket.updated_at = at;
        store.ticketChanged(ticket, context.now());
        return {
          status: 200,
          body: {
            ticket: withUrl(req, 'tickets', ticket),
            audit: { id: store.newId(), ticket_id: ticket.id, created_at: at, author_id: -1, events },
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/api/v2/tickets/:id',
      handler: (req) => {
        const ticket = store.tickets.byId.get(Number(idParam(req)));
        return ticket ? { status: 200, body: { ticket: withUrl(req, 'tickets', ticket) } } : notFound();
      },
    },
  ];
}

/** Zendesk's 422 for a record that fails validation: `{error: 'RecordInvalid', description, details}`. */
function recordInvalid(field: string, description: string) {
  return {
    status: 422,
    body: {
      error: 'RecordInvalid',
      description: 'Record validation errors',
      details: { [field]: [{ description: `${field}: ${description}`, error: 'InvalidValue' }] },
    },
  };
}
