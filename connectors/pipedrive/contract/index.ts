// @spoc/pipedrive/contract: the Pipedrive endpoints spoc uses, as Pipedrive's API reference
// documents them (a source link on each), to check the connector's requests and the
// emulator's answers in a recorded run.
import type { Contracts } from '@spoc/sandbox/kit';
import { z } from 'zod';

const DOCS = 'https://developers.pipedrive.com/docs/api/v1';

/** Every answer is wrapped: {success, data, additional_data?} (v1 and v2 alike). */
const envelope = (data: z.ZodType, additional?: z.ZodType) =>
  z.looseObject({ success: z.literal(true), data, ...(additional ? { additional_data: additional } : {}) });
const cursorPage = z.looseObject({ next_cursor: z.string().nullable() });
const error = z.looseObject({ success: z.literal(false), error: z.string() });
const id = z.number().int().positive();

const user = z.looseObject({
  id,
  name: z.string(),
  email: z.string(),
  active_flag: z.boolean(),
  is_admin: z.union([z.literal(0), z.literal(1)]),
});
/** v2 organization (Organizations v2 "Get all organizations"): custom fields under custom_fields by key. */
const organization = z.looseObject({
  id,
  name: z.string(),
  owner_id: id.nullable(),
  update_time: z.string().nullable(),
  is_deleted: z.boolean(),
  website: z.string().nullable().optional(),
  custom_fields: z.record(z.string(), z.unknown()),
});
const person = z.looseObject({
  id,
  name: z.string(),
  owner_id: id.nullable(),
  org_id: id.nullable(),
  update_time: z.string().nullable(),
  is_deleted: z.boolean(),
});
const field = z.looseObject({
  field_code: z.string(),
  field_name: z.string(),
  field_type: z.string(),
  is_custom_field: z.boolean(),
});
/** v2 list parameters (cursor paging; limit up to 500). */
const listQuery = z.strictObject({
  cursor: z.string().optional(),
  limit: z.string().regex(/^\d+$/).optional(),
  sort_by: z.enum(['id', 'update_time', 'add_time']).optional(),
  sort_direction: z.enum(['asc', 'desc']).optional(),
  updated_since: z.string().optional(),
  owner_id: z.string().optional(),
  org_id: z.string().optional(),
  ids: z.string().optional(),
  /** Comma-separated custom field keys to include (v2 returns none unless asked). */
  custom_fields: z.string().optional(),
});

export const contracts: Contracts = {
  'GET /api/v1/users/me': {
    source: `${DOCS}/Users#getCurrentUser`,
    response: envelope(user.extend({ company_domain: z.string() })),
    error,
  },
  'GET /api/v1/users': { source: `${DOCS}/Users#getUsers`, response: envelope(z.array(user)), error },
  'GET /api/v1/organizations/:id/changelog': {
    source: `${DOCS}/Organizations#getOrganizationChangelog`,
    query: z.strictObject({ limit: z.string().regex(/^\d+$/).optional(), cursor: z.string().optional() }),
    response: envelope(
      z.array(
        z.looseObject({
          field_key: z.string(),
          old_value: z.string().nullable(),
          new_value: z.string().nullable(),
          actor_user_id: z.number().int().nullable(),
          time: z.string(),
          change_source: z.string().nullable(),
          change_source_user_agent: z.string().nullable(),
          is_bulk_update_flag: z.boolean(),
        }),
      ),
      cursorPage,
    ),
    error,
  },
  'GET /api/v2/organizationFields': {
    source: 'https://developers.pipedrive.com/docs/api/v2/OrganizationFields#getOrganizationFields',
    query: z.strictObject({ limit: z.string().regex(/^\d+$/).optional(), cursor: z.string().optional() }),
    response: envelope(z.array(field), cursorPage),
    error,
  },
  'GET /api/v2/organizations': {
    source: 'https://developers.pipedrive.com/docs/api/v2/Organizations#getOrganizations',
    query: listQuery,
    response: envelope(z.array(organization), cursorPage),
    error,
  },
  'PATCH /api/v2/organizations/:id': {
    source: 'https://developers.pipedrive.com/docs/api/v2/Organizations#updateOrganization',
    request: z.strictObject({ owner_id: id.optional(), custom_fields: z.record(z.string(), z.unknown()).optional() }),
    response: envelope(organization),
    error,
  },
  'GET /api/v2/persons': {
    source: 'https://developers.pipedrive.com/docs/api/v2/Persons#getPersons',
    query: listQuery,
    response: envelope(z.array(person), cursorPage),
    error,
  },
  'PATCH /api/v2/persons/:id': {
    source: 'https://developers.pipedrive.com/docs/api/v2/Persons#updatePerson',
    request: z.strictObject({ owner_id: id.optional() }),
    response: envelope(person),
    error,
  },
};
