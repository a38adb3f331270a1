// @spoc/freshdesk/contract: the Freshdesk v2 endpoints spoc uses, as Freshdesk's API
// reference documents them (https://developers.freshdesk.com/api/, a section link on each),
// to check the connector's requests and the emulator's answers in a recorded run.
import type { Contracts } from '@spoc/sandbox/kit';
import { z } from 'zod';

const DOCS = 'https://developers.freshdesk.com/api';

/** Error bodies: {description, errors: [{field, message, code}]} ("Error Handling"). */
const error = z.looseObject({
  description: z.string().optional(),
  errors: z.array(z.looseObject({ field: z.string().optional(), message: z.string(), code: z.string() })).optional(),
  code: z.string().optional(),
  message: z.string().optional(),
});
const id = z.number().int().positive();
const stamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, 'an ISO 8601 UTC time, as Freshdesk writes it');
const page = z.string().regex(/^\d+$/);

const agent = z.looseObject({
  id,
  deactivated: z.boolean().optional(),
  contact: z.looseObject({ active: z.boolean(), email: z.string(), name: z.string() }),
});
const company = z.looseObject({
  id,
  name: z.string(),
  domains: z.array(z.string()),
  updated_at: stamp,
  custom_fields: z.record(z.string(), z.unknown()),
});
const ticket = z.looseObject({
  id,
  status: z.number().int(),
  responder_id: id.nullable(),
  company_id: id.nullable(),
  updated_at: stamp,
});

export const contracts: Contracts = {
  'GET /api/v2/agents/me': { source: `${DOCS}/#me`, response: agent, error },
  'GET /api/v2/agents': {
    source: `${DOCS}/#list_all_agents`,
    query: z.strictObject({ per_page: page.optional(), page: page.optional() }),
    response: z.array(agent),
    error,
  },
  'GET /api/v2/company_fields': {
    source: `${DOCS}/#list_all_company_fields`,
    response: z.array(
      z.looseObject({
        id,
        name: z.string(),
        label: z.string(),
        type: z.string(),
        choices: z.array(z.string()).optional(),
      }),
    ),
    error,
  },
  'GET /api/v2/companies': {
    source: `${DOCS}/#list_all_companies`,
    query: z.strictObject({ per_page: page.optional(), page: page.optional() }),
    response: z.array(company),
    error,
  },
  'PUT /api/v2/companies/:id': {
    source: `${DOCS}/#update_company`,
    request: z.strictObject({ custom_fields: z.record(z.string(), z.union([z.string(), z.null()])) }),
    response: company,
    error,
  },
  'GET /api/v2/tickets': {
    source: `${DOCS}/#list_all_tickets (company_id, updated_since; 300 pages of 100 at most)`,
    query: z.strictObject({
      company_id: z.string().regex(/^\d+$/).optional(),
      updated_since: z.string().optional(),
      per_page: page.optional(),
      page: page.optional(),
      order_by: z.enum(['created_at', 'due_by', 'updated_at', 'status']).optional(),
      order_type: z.enum(['asc', 'desc']).optional(),
    }),
    response: z.array(ticket),
    error,
  },
  'GET /api/v2/search/tickets': {
    source: `${DOCS}/#filter_tickets (query in double quotes, 30 results a page, 10 pages at most)`,
    query: z.strictObject({
      query: z.string().regex(/^".+"$/, 'a filter query wrapped in double quotes'),
      page: z
        .string()
        .regex(/^([1-9]|10)$/, 'a page between 1 and 10')
        .optional(),
    }),
    response: z.strictObject({ results: z.array(ticket).max(30), total: z.number().int().nonnegative() }),
    error,
  },
  'POST /api/v2/tickets/bulk_update': {
    source: `${DOCS}/#bulk_update_tickets (answers 202 with a job to poll)`,
    request: z.strictObject({
      bulk_action: z.strictObject({ ids: z.array(id).min(1), properties: z.strictObject({ responder_id: id }) }),
    }),
    response: z.strictObject({ job_id: z.string(), href: z.string().url() }),
    error,
  },
  'GET /api/v2/jobs/:id': {
    source: `${DOCS}/#view_job`,
    response: z.looseObject({
      id: z.string(),
      status: z.enum(['QUEUED', 'IN PROGRESS', 'COMPLETED', 'FAILED']),
      progress: z.number().min(0).max(100).optional(),
      data: z.array(z.looseObject({ id, success: z.boolean(), errors: z.unknown().optional() })).optional(),
    }),
    error,
  },
};
