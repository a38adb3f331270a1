// @spoc/hubspot/contract: what HubSpot documents for every endpoint the connector (and a
// person editing a company) uses, built from @hubspot/api-client's generated models.
import * as companies from '@hubspot/api-client/lib/codegen/crm/companies/models/all.js';
import * as owners from '@hubspot/api-client/lib/codegen/crm/owners/models/all.js';
import * as properties from '@hubspot/api-client/lib/codegen/crm/properties/models/all.js';
import type { Contracts } from '@spoc/sandbox/kit';
import { z } from 'zod';
import { type ModelNamespace, modelSchema } from './sdk-models.ts';

const SDK = '@hubspot/api-client 14.0.1 lib/codegen/crm';
/** Companies' and contacts' models are generated alike; the routes take either type. */
const objects = companies as unknown as ModelNamespace;
const ownerModels = owners as unknown as ModelNamespace;
const propertyModels = properties as unknown as ModelNamespace;

/**
 * Error bodies: the SDK's Error model plus `status: "error"`, which every HubSpot error
 * carries (https://developers.hubspot.com/docs/api/error-handling), or the rate-limit
 * body with errorType and policyName (https://developers.hubspot.com/docs/api/usage-details).
 */
const error = z.union([
  modelSchema(objects, 'ModelError', { status: z.literal('error') }),
  z.strictObject({
    status: z.literal('error'),
    message: z.string(),
    errorType: z.literal('RATE_LIMIT'),
    correlationId: z.string(),
    policyName: z.string(),
  }),
]);

/** Query strings the SDK's API methods send (their parameters), as strings. */
const query = (names: string[]) => z.strictObject(Object.fromEntries(names.map((n) => [n, z.string().optional()])));
const objectQuery = query([
  'limit',
  'after',
  'properties',
  'propertiesWithHistory',
  'associations',
  'archived',
  'idProperty',
]);

/**
 * The SDK types `sorts` as strings, but HubSpot documents sort objects and takes one
 * rule only: "you can only use one sorting rule" (https://developers.hubspot.com/docs/api/crm/search).
 */
const sorts = z
  .array(
    z.union([
      z.string(),
      z.strictObject({ propertyName: z.string(), direction: z.enum(['ASCENDING', 'DESCENDING']).optional() }),
    ]),
  )
  .max(1);

const batchResponse = z.union([
  modelSchema(objects, 'BatchResponseSimplePublicObject'),
  modelSchema(objects, 'BatchResponseSimplePublicObjectWithErrors'),
]);

/**
 * A queue (type QUEUE) has no email and no user; the generated model says neither is
 * nullable, and whether HubSpot sends null or leaves them out is not documented: both
 * are allowed here (the emulator sends null).
 */
const ownerOverrides = { email: z.string().nullable(), userId: z.number().nullable() };
const owner = modelSchema(ownerModels, 'PublicOwner', ownerOverrides);

export const contracts: Contracts = {
  'GET /crm/v3/owners': {
    source: `${SDK}/owners/models/CollectionResponsePublicOwnerForwardPaging; OwnersApi.getPage parameters`,
    query: query(['email', 'after', 'limit', 'archived']),
    response: modelSchema(ownerModels, 'CollectionResponsePublicOwnerForwardPaging', { results: z.array(owner) }),
    error,
  },
  'GET /crm/v3/owners/:ownerId': {
    source: `${SDK}/owners/models/PublicOwner; OwnersApi.getById parameters`,
    query: query(['idProperty', 'archived']),
    response: owner,
    error,
  },
  'GET /crm/v3/objects/:type': {
    source: `${SDK}/companies/models/CollectionResponseSimplePublicObjectWithAssociationsForwardPaging; BasicApi.getPage parameters`,
    query: objectQuery,
    response: modelSchema(objects, 'CollectionResponseSimplePublicObjectWithAssociationsForwardPaging'),
    error,
  },
  'GET /crm/v3/objects/:type/:id': {
    source: `${SDK}/companies/models/SimplePublicObjectWithAssociations; BasicApi.getById parameters`,
    query: objectQuery,
    response: modelSchema(objects, 'SimplePublicObjectWithAssociations'),
    error,
  },
  'POST /crm/v3/objects/:type': {
    source: `${SDK}/companies/models/SimplePublicObjectInputForCreate → SimplePublicObject`,
    request: modelSchema(objects, 'SimplePublicObjectInputForCreate'),
    response: modelSchema(objects, 'SimplePublicObject'),
    error,
  },
  'PATCH /crm/v3/objects/:type/:id': {
    source: `${SDK}/companies/models/SimplePublicObjectInput → SimplePublicObject; BasicApi.update parameters`,
    query: query(['idProperty']),
    request: modelSchema(objects, 'SimplePublicObjectInput'),
    response: modelSchema(objects, 'SimplePublicObject'),
    error,
  },
  'DELETE /crm/v3/objects/:type/:id': { source: `${SDK}/companies/apis/BasicApi.archive (204, no body)`, error },
  'POST /crm/v3/objects/:type/search': {
    source: `${SDK}/companies/models/PublicObjectSearchRequest → CollectionResponseWithTotalSimplePublicObjectForwardPaging; sorts per https://developers.hubspot.com/docs/api/crm/search`,
    request: modelSchema(objects, 'PublicObjectSearchRequest', { sorts }),
    response: modelSchema(objects, 'CollectionResponseWithTotalSimplePublicObjectForwardPaging'),
    error,
  },
  'POST /crm/v3/objects/:type/batch/read': {
    source: `${SDK}/companies/models/BatchReadInputSimplePublicObjectId → BatchResponseSimplePublicObject(WithErrors)`,
    query: query(['archived']),
    request: modelSchema(objects, 'BatchReadInputSimplePublicObjectId'),
    response: batchResponse,
    error,
  },
  'POST /crm/v3/objects/:type/batch/update': {
    source: `${SDK}/companies/models/BatchInputSimplePublicObjectBatchInput → BatchResponseSimplePublicObject(WithErrors)`,
    request: modelSchema(objects, 'BatchInputSimplePublicObjectBatchInput'),
    response: batchResponse,
    error,
  },
  'GET /crm/v3/properties/:type': {
    source: `${SDK}/properties/models/CollectionResponsePropertyNoPaging; CoreApi.getAll parameters`,
    query: query(['archived', 'properties', 'dataSensitivity']),
    response: modelSchema(propertyModels, 'CollectionResponsePropertyNoPaging'),
    error,
  },
  'GET /crm/v3/properties/:type/:name': {
    source: `${SDK}/properties/models/Property; CoreApi.getByName parameters`,
    query: query(['archived', 'properties', 'dataSensitivity']),
    response: modelSchema(propertyModels, 'Property'),
    error,
  },
};
