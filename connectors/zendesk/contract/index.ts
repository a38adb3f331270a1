// @spoc/zendesk/contract: the Zendesk Support API v2 endpoints spoc uses, as Zendesk's API
// reference documents them (https://developer.zendesk.com/api-reference/, a page link on
// each), to check the connector's requests and the emulator's answers in a recorded run.
import type { Contracts } from '@spoc/sandbox/kit';
import { z } from 'zod';

const DOCS = 'https://developer.zendesk.com/api-reference';

/**
 * Error bodies (introduction/requests/#response-format and the 4xx pages): `error` is a
 * code, or `{title, message}` for some 401/403s; `description` and `details` optional.
 */
const error = z.looseObject({
  error: z.union([z.string(), z.looseObject({ title: z.string(), message: z.string() })]),
  description: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
const id = z.number().int().positive();
/** Zendesk writes times as ISO 8601 UTC without milliseconds ("2009-07-20T22:55:29Z"). */
const stamp = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, 'an ISO 8601 UTC time without milliseconds');
const absoluteUrl = z.string().url();
const digits = z.string().regex(/^\d+$/);

/** Offset pagination: `next_page`/`previous_page` absolute links or null, `count` (introduction/pagination). */
const offsetPaging = {
  next_page: absoluteUrl.nullable(),
  previous_page: absoluteUrl.nullable(),
  count: z.number().int().nonnegative(),
};
/** Cursor pagination: `meta {has_more, after_cursor, before_cursor}` and `links {prev, next}`. */
const cursorPaging = {
  meta: z.looseObject({
    has_more: z.boolean(),
    after_cursor: z.string().nullable(),
    before_cursor: z.string().nullable(),
  }),
  links: z.looseObject({ prev: absoluteUrl.nullable(), next: absoluteUrl.nullable() }),
};
/** A list answer: one paging style or the other, with the records under `key`. */
function list(key: string, record: z.ZodType) {
  return z.union([
    z.looseObject({ [key]: z.array(record), ...cursorPaging }),
    z.looseObject({ [key]: z.array(record), ...offsetPaging }),
  ]);
}
/** The query a list takes: cursor (`page[size]`, `page[after]`) or offset (`page`, `per_page`) paging. */
const pagingQuery = {
  'page[size]': digits.optional(),
  'page[after]': z.string().optional(),
  page: digits.optional(),
  per_page: digits.optional(),
};

/** Users (ticketing/users/users/#json-format). */
const user = z.looseObject({
  id,
  url: absoluteUrl,
  name: z.string(),
  email: z.string().nullable(),
  role: z.enum(['end-user', 'agent', 'admin']),
  active: z.boolean(),
  suspended: z.boolean().optional(),
});
/** Organizations (ticketing/organizations/organizations/#json-format). */
const organization = z.looseObject({
  id,
  url: absoluteUrl,
  name: z.string(),
  external_id: z.string().nullable(),
  domain_names: z.array(z.string()),
  organization_fields: z.record(z.string(), z.unknown()),
  group_id: id.nullable(),
  tags: z.array(z.string()),
  details: z.string().nullable(),
  notes: z.string().nullable(),
  shared_tickets: z.boolean(),
  shared_comments: z.boolean(),
  created_at: stamp,
  updated_at: stamp,
});
/** Tickets (ticketing/tickets/tickets/#json-format). */
const ticket = z.looseObject({
  id,
  url: absoluteUrl,
  status: z.enum(['new', 'open', 'pending', 'hold', 'solved', 'closed']),
  assignee_id: id.nullable(),
  organization_id: id.nullable(),
  requester_id: id.nullable(),
  subject: z.string().nullable(),
  created_at: stamp,
  updated_at: stamp,
});
/** Organization fields (ticketing/organizations/organization_fields/#json-format). */
const organizationField = z.looseObject({
  id,
  url: absoluteUrl,
  key: z.string(),
  type: z.enum(['text', 'textarea', 'checkbox', 'date', 'integer', 'decimal', 'regexp', 'dropdown', 'lookup']),
  title: z.string(),
  active: z.boolean(),
  relationship_target_type: z.string().nullable().optional(),
});
/**
 * Job statuses (ticketing/ticket-management/job_statuses/#json-format): `results` null
 * until the job ends, then one entry per processed record with its `index`; `id` may
 * be that index rather than the record's id.
 */
const jobStatus = z.strictObject({
  job_status: z.looseObject({
    id: z.string(),
    url: absoluteUrl,
    job_type: z.string().optional(),
    status: z.enum(['queued', 'working', 'failed', 'completed', 'killed']),
    total: z.number().int().nonnegative().nullable(),
    progress: z.number().int().nonnegative().nullable(),
    message: z.string().nullable(),
    results: z
      .array(
        z.looseObject({
          id: z.number().int().nonnegative().nullable(),
          index: z.number().int().nonnegative(),
          action: z.string().optional(),
          success: z.boolean(),
          status: z.string().optional(),
          error: z.string().optional(),
          details: z.string().optional(),
        }),
      )
      .nullable(),
  }),
});
/** A user lookup field holds an agent's id, or null to clear it. */
const fieldValues = z.record(z.string(), z.union([id, z.string(), z.null()]));

export const contracts: Contracts = {
  'GET /api/v2/users/me.json': {
    source: `${DOCS}/ticketing/users/users/#show-self`,
    response: z.strictObject({ user }),
    error,
  },
  'GET /api/v2/users.json': {
    source: `${DOCS}/ticketing/users/users/#list-users (role, role[]; cursor or offset paging)`,
    query: z.strictObject({
      role: z.enum(['end-user', 'agent', 'admin']).optional(),
      'role[]': z.enum(['end-user', 'agent', 'admin']).optional(),
      ...pagingQuery,
    }),
    response: list('users', user),
    error,
  },
  'GET /api/v2/organization_fields.json': {
    source: `${DOCS}/ticketing/organizations/organization_fields/#list-organization-fields`,
    query: z.strictObject(pagingQuery),
    response: list('organization_fields', organizationField),
    error,
  },
  'GET /api/v2/organizations.json': {
    source: `${DOCS}/ticketing/organizations/organizations/#list-organizations`,
    query: z.strictObject(pagingQuery),
    response: list('organizations', organization),
    error,
  },
  'PUT /api/v2/organizations/:id': {
    source: `${DOCS}/ticketing/organizations/organizations/#update-organization`,
    request: z.strictObject({
      organization: z.looseObject({ organization_fields: fieldValues.optional() }),
    }),
    response: z.strictObject({ organization }),
    error,
  },
  'PUT /api/v2/organizations/update_many.json': {
    source: `${DOCS}/ticketing/organizations/organizations/#update-many-organizations (100 at most; answers a job status)`,
    request: z.strictObject({
      organizations: z
        .array(z.looseObject({ id, organization_fields: fieldValues.optional() }))
        .min(1)
        .max(100),
    }),
    response: jobStatus,
    error,
  },
  'GET /api/v2/incremental/organizations.json': {
    source: `${DOCS}/ticketing/ticket-management/incremental_exports/#incremental-organization-export (time-based)`,
    query: z.strictObject({ start_time: digits }),
    response: z.looseObject({
      organizations: z.array(organization).max(1000),
      next_page: absoluteUrl.nullable(),
      count: z.number().int().nonnegative(),
      end_time: z.number().int().nonnegative(),
      end_of_stream: z.boolean(),
    }),
    error,
  },
  'GET /api/v2/organizations/:id/tickets.json': {
    source: `${DOCS}/ticketing/tickets/tickets/#list-tickets (GET /api/v2/organizations/{organization_id}/tickets)`,
    query: z.strictObject(pagingQuery),
    response: list('tickets', ticket),
    error,
  },
  'GET /api/v2/search.json': {
    source: `${DOCS}/ticketing/ticket-management/search/#list-search-results (100 a page, 1,000 results at most)`,
    query: z.strictObject({
      query: z.string().min(1),
      page: digits.optional(),
      per_page: digits.optional(),
      sort_by: z.string().optional(),
      sort_order: z.enum(['asc', 'desc']).optional(),
    }),
    response: z.looseObject({
      results: z.array(ticket.extend({ result_type: z.literal('ticket') })).max(100),
      facets: z.unknown().nullable(),
      ...offsetPaging,
    }),
    error,
  },
  'PUT /api/v2/tickets/update_many.json': {
    source: `${DOCS}/ticketing/tickets/tickets/#bulk-update-tickets (?ids=, 100 at most; answers a job status)`,
    query: z.strictObject({ ids: z.string().regex(/^\d+(,\d+){0,99}$/, 'up to 100 comma-separated ticket ids') }),
    request: z.strictObject({ ticket: z.looseObject({ assignee_id: id.nullable().optional() }) }),
    response: jobStatus,
    error,
  },
  'PUT /api/v2/tickets/:id': {
    source: `${DOCS}/ticketing/tickets/tickets/#update-ticket`,
    request: z.strictObject({ ticket: z.looseObject({ assignee_id: id.nullable().optional() }) }),
    response: z.looseObject({ ticket, audit: z.looseObject({ id, ticket_id: id, events: z.array(z.unknown()) }) }),
    error,
  },
  'GET /api/v2/job_statuses/:id': {
    source: `${DOCS}/ticketing/ticket-management/job_statuses/#show-job-status`,
    response: jobStatus,
    error,
  },
};
