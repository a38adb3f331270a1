// @spoc/salesforce/contract: the Salesforce REST endpoints spoc uses, as Salesforce documents
// them (written from the REST API Developer Guide and the SOAP API object reference, a
// source link on each), to check the connector's requests and the emulator's answers.
import type { Contracts } from '@spoc/sandbox/kit';
import { z } from 'zod';

const DOCS = 'https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest';
const BASE = '/services/data/:version';

/** Salesforce ids: 15 case-sensitive or 18 case-safe characters. */
const sfId = z.string().regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/, 'a 15- or 18-character Salesforce id');

/** Error bodies: an array of {message, errorCode, fields?} ({DOCS}/errorcodes.htm). */
const errorBody = z.array(
  z.looseObject({ message: z.string(), errorCode: z.string(), fields: z.array(z.string()).optional() }),
);

/** QueryResult ({DOCS}/resources_query.htm, "Response body"): records carry attributes {type, url}. */
const queryResult = z.looseObject({
  totalSize: z.number().int().nonnegative(),
  done: z.boolean(),
  nextRecordsUrl: z
    .string()
    .regex(/^\/services\/data\/v\d+\.0\/query(All)?\/[^/]+$/)
    .optional(),
  records: z.array(z.looseObject({ attributes: z.looseObject({ type: z.string(), url: z.string().optional() }) })),
});

/** DescribeSObjectResult and its Field (SOAP API reference, the shape REST returns as JSON). */
const field = z.looseObject({
  name: z.string(),
  type: z.enum([
    'id',
    'string',
    'reference',
    'boolean',
    'email',
    'url',
    'picklist',
    'multipicklist',
    'textarea',
    'phone',
    'datetime',
    'date',
    'double',
    'int',
    'currency',
    'percent',
    'combobox',
    'address',
    'location',
    'base64',
    'time',
    'long',
    'encryptedstring',
    'anyType',
    'complexvalue',
  ]),
  label: z.string(),
  updateable: z.boolean(),
  nillable: z.boolean(),
  referenceTo: z.array(z.string()),
  relationshipName: z.string().nullable(),
});

/** SaveResult ({DOCS}/resources_composite_sobjects_collections_update.htm): in input order, id only on success. */
const saveResult = z.strictObject({
  id: sfId.optional(),
  success: z.boolean(),
  errors: z.array(z.strictObject({ statusCode: z.string(), message: z.string(), fields: z.array(z.string()) })),
});

/** A record to update: attributes.type and id, then field values (ids, text, or null to clear). */
const recordUpdate = z.looseObject({
  attributes: z.strictObject({ type: z.string() }),
  id: sfId,
});

export const contracts: Contracts = {
  [`GET ${BASE}/sobjects/:type/describe`]: {
    source: `${DOCS}/resources_sobject_describe.htm and https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_describesobjects_describesobjectresult.htm`,
    response: z.looseObject({
      name: z.string(),
      label: z.string(),
      keyPrefix: z.string().nullable(),
      updateable: z.boolean(),
      queryable: z.boolean(),
      fields: z.array(field),
    }),
    error: errorBody,
  },
  [`GET ${BASE}/query`]: {
    source: `${DOCS}/resources_query.htm`,
    query: z.strictObject({ q: z.string().regex(/^SELECT\s/i, 'a SOQL SELECT') }),
    response: queryResult,
    error: errorBody,
  },
  [`GET ${BASE}/query/:locator`]: {
    source: `${DOCS}/resources_query.htm ("nextRecordsUrl")`,
    query: z.strictObject({}),
    response: queryResult,
    error: errorBody,
  },
  [`PATCH ${BASE}/composite/sobjects`]: {
    source: `${DOCS}/resources_composite_sobjects_collections_update.htm`,
    request: z.strictObject({ allOrNone: z.boolean().optional(), records: z.array(recordUpdate).min(1).max(200) }),
    response: z.array(saveResult),
    error: errorBody,
  },
  [`PATCH ${BASE}/sobjects/:type/:id`]: {
    source: `${DOCS}/dome_update_fields.htm (204 No Content on success)`,
    request: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    response: z.undefined(),
    error: errorBody,
  },
  'POST /services/oauth2/token': {
    source:
      'https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm and https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_refresh_token_flow.htm',
    request: z.strictObject({
      grant_type: z.enum(['client_credentials', 'refresh_token']),
      client_id: z.string(),
      client_secret: z.string().optional(),
      refresh_token: z.string().optional(),
    }),
    response: z.looseObject({
      access_token: z.string(),
      instance_url: z.string().url(),
      id: z.string().url(),
      token_type: z.literal('Bearer'),
      issued_at: z.string().regex(/^\d+$/),
      signature: z.string(),
    }),
    error: z.strictObject({ error: z.string(), error_description: z.string() }),
  },
};
