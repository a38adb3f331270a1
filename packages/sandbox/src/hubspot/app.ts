import { randomUUID } from 'node:crypto';
import type { RateState, SandboxRequest, SandboxResponse, VendorApp, VendorContext } from '../kit/types.ts';
import type { HubspotSeed } from '../seed/types.ts';
import { runSearch, SEARCH_LIMITS, type SearchBody, validateSearch } from './search.ts';
import { type CrmObject, HubspotStore, MODIFIED_PROPERTY, type ObjectType } from './store.ts';

const TYPES = new Set(['companies', 'contacts']);
const DAILY_LIMIT = 1_000_000;
/** Properties whose value must be an existing, active owner id. */
const isOwnerProperty = (name: string) =>
  name === 'hubspot_owner_id' || name.endsWith('_owner_id') || name.endsWith('_owner');
const STANDARD_PROPERTIES = [
  'name',
  'domain',
  'hubspot_owner_id',
  'hs_lastmodifieddate',
  'createdate',
  'hs_object_id',
  'associatedcompanyid',
  'email',
  'lastmodifieddate',
];

/**
 * HubSpot CRM v3 as @hubspot/api-client sees it: owners, companies and contacts
 * (list, get, search, batch read/update, create), property definitions, the
 * 10-second and daily limits with their headers, and HubSpot's error bodies.
 */
export function createHubspotApp(seed: HubspotSeed | undefined, context: VendorContext): VendorApp {
  const store = new HubspotStore(seed);
  let dailyUsed = 0;
  const dailyLimit = Number((seed as { dailyLimit?: number } | undefined)?.dailyLimit ?? DAILY_LIMIT);
  const nowIso = () => new Date(context.now()).toISOString();

  const type = (req: SandboxRequest): ObjectType | null =>
    TYPES.has(req.params.type ?? '') ? (req.params.type as ObjectType) : null;
  const requested = (req: SandboxRequest): string[] =>
    req.query
      .getAll('properties')
      .flatMap((p) => p.split(','))
      .map((p) => p.trim())
      .filter(Boolean);
  const view = (o: CrmObject, t: ObjectType, properties: string[]) => {
    const props: Record<string, string | null> = {
      createdate: o.properties.createdate ?? o.createdAt,
      [MODIFIED_PROPERTY[t]]: o.properties[MODIFIED_PROPERTY[t]] ?? o.updatedAt,
      hs_object_id: o.id,
    };
    for (const p of properties) props[p] = o.properties[p] ?? null;
    return { id: o.id, properties: props, createdAt: o.createdAt, updatedAt: o.updatedAt, archived: o.archived };
  };
  const paging = (req: SandboxRequest, next: number | null) =>
    next === null ? {} : { paging: { next: { after: String(next), link: `${req.baseUrl}${req.path}?after=${next}` } } };

  const routes: VendorApp['routes'] = [
    {
      method: 'GET',
      path: '/crm/v3/owners',
      handler: (req) => {
        const archived = req.query.get('archived') === 'true';
        const email = req.query.get('email');
        const limit = clamp(req.query.get('limit'), 100, 500);
        const after = Number(req.query.get('after') ?? 0);
        const all = store.owners.filter((o) => o.archived === archived && (!email || o.email === email));
        const page = all.slice(after, after + limit);
        return {
          status: 200,
          body: { results: page, ...paging(req, after + limit < all.length ? after + limit : null) },
        };
      },
    },
    {
      method: 'GET',
      path: '/crm/v3/objects/:type',
      handler: (req) => {
        const t = type(req);
        if (!t) return notFound(req);
        const limit = clamp(req.query.get('limit'), 10, 100);
        const after = Number(req.query.get('after') ?? 0);
        const list = store.objects[t].list;
        const page = [];
        let i = after;
        for (; i < list.length && page.length < limit; i++) {
          const o = list[i] as CrmObject;
          if (!o.archived) page.push(view(o, t, requested(req)));
        }
        return { status: 200, body: { results: page, ...paging(req, i < list.length ? i : null) } };
      },
    },
    {
      method: 'GET',
      path: '/crm/v3/objects/:type/:id',
      handler: (req) => {
        const t = type(req);
        const o = t ? store.objects[t].byId.get(req.params.id ?? '') : undefined;
        if (!t || !o || o.archived) return objectNotFound([req.params.id ?? '']);
        return { status: 200, body: view(o, t, requested(req)) };
      },
    },
    {
      method: 'POST',
      path: '/crm/v3/objects/:type/search',
      bucket: 'search',
      handler: (req) => {
        const t = type(req);
        if (!t) return notFound(req);
        const body = (req.body ?? {}) as SearchBody;
        const invalid = validateSearch(body);
        if (invalid) return validation(invalid);
        const limit = body.limit ?? 10;
        const after = Number(body.after ?? 0);
        if (after + limit > SEARCH_LIMITS.window) {
          return validation(
            `Paging past ${SEARCH_LIMITS.window} results is not supported: the after value plus limit must be at most ${SEARCH_LIMITS.window}`,
          );
        }
        const results = runSearch(
          store.objects[t].list.filter((o) => !o.archived),
          body,
        );
        const page = results.slice(after, after + limit).map((o) => view(o, t, body.properties ?? []));
        const next = after + limit < results.length ? { paging: { next: { after: String(after + limit) } } } : {};
        return { status: 200, body: { total: results.length, results: page, ...next } };
      },
    },
    {
      method: 'POST',
      path: '/crm/v3/objects/:type/batch/read',
      handler: (req) => {
        const t = type(req);
        if (!t) return notFound(req);
        const body = (req.body ?? {}) as { inputs?: { id: string }[]; properties?: string[] };
        const inputs = body.inputs ?? [];
        if (inputs.length > 100) return validation('Batch size must be at most 100');
        const results = [];
        const missing: string[] = [];
        for (const input of inputs) {
          const o = store.objects[t].byId.get(String(input.id));
          if (o && !o.archived) results.push(view(o, t, body.properties ?? []));
          else missing.push(String(input.id));
        }
        return batchResponse(results, missing.length ? [objectNotFoundError(missing)] : []);
      },
    },
    {
      method: 'POST',
      path: '/crm/v3/objects/:type/batch/update',
      handler: (req) => {
        const t = type(req);
        if (!t) return notFound(req);
        if (req.headers.authorization?.startsWith('Bearer noscope-')) return missingScope(`crm.objects.${t}.write`);
        const inputs =
          ((req.body ?? {}) as { inputs?: { id: string; properties: Record<string, string | null> }[] }).inputs ?? [];
        if (inputs.length > 100) return validation('Batch size must be at most 100 inputs');
        const now = nowIso();
        const results = [];
        const errors = [];
        for (const input of inputs) {
          const o = store.objects[t].byId.get(String(input.id));
          if (!o || o.archived) {
            errors.push(objectNotFoundError([String(input.id)]));
            continue;
          }
          const invalid = Object.entries(input.properties ?? {}).find(
            ([name, value]) =>
              isOwnerProperty(name) && value !== null && value !== '' && !store.activeOwner(String(value)),
          );
          if (invalid) {
            errors.push(invalidOption(String(input.id), invalid[0], String(invalid[1])));
            continue;
          }
          if (context.faults.failRecord()) {
            errors.push({
              status: 'error',
              category: 'VALIDATION_ERROR',
              message: 'Injected record failure',
              context: { ids: [String(input.id)] },
            });
            continue;
          }
          for (const [name, value] of Object.entries(input.properties ?? {})) {
            o.properties[name] = value === null ? null : String(value);
            context.writes.record(t, o.id, name, value);
          }
          o.properties[MODIFIED_PROPERTY[t]] = now;
          o.updatedAt = now;
          results.push(view(o, t, Object.keys(input.properties ?? {})));
        }
        return batchResponse(results, errors);
      },
    },
    {
      method: 'POST',
      path: '/crm/v3/objects/:type',
      handler: (req) => {
        const t = type(req);
        if (!t) return notFound(req);
        const properties = ((req.body ?? {}) as { properties?: Record<string, string | null> }).properties ?? {};
        const o = store.create(t, properties, nowIso());
        return { status: 201, body: view(o, t, Object.keys(properties)) };
      },
    },
    {
      method: 'GET',
      path: '/crm/v3/properties/:type/:name',
      handler: (req) => {
        const t = type(req);
        const name = req.params.name ?? '';
        if (!t) return notFound(req);
        const known = STANDARD_PROPERTIES.includes(name) || store.objects[t].list.some((o) => name in o.properties);
        if (!known) {
          return {
            status: 404,
            body: {
              status: 'error',
              message: `Unable to find property ${name}`,
              correlationId: randomUUID(),
              category: 'OBJECT_NOT_FOUND',
            },
          };
        }
        const owner = isOwnerProperty(name);
        return {
          status: 200,
          body: {
            name,
            label: name,
            type: owner ? 'enumeration' : 'string',
            fieldType: owner ? 'select' : 'text',
            groupName: 'companyinformation',
            ...(owner ? { referencedObjectType: 'OWNER' } : {}),
            modificationMetadata: { readOnlyValue: name.startsWith('hs_') || name === 'createdate' },
          },
        };
      },
    },
  ];

  return {
    name: 'hubspot',
    routes,
    authenticate: (req) => {
      const auth = req.headers.authorization ?? '';
      const token = auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
      if (token === '' || token === 'invalid') {
        return {
          status: 401,
          body: {
            status: 'error',
            message:
              'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
            correlationId: randomUUID(),
            category: 'INVALID_AUTHENTICATION',
          },
        };
      }
      dailyUsed++;
      if (dailyUsed > dailyLimit) {
        return {
          status: 429,
          body: {
            status: 'error',
            message: 'You have reached your daily limit.',
            errorType: 'RATE_LIMIT',
            correlationId: randomUUID(),
            policyName: 'DAILY',
          },
          headers: { 'x-hubspot-ratelimit-daily': String(dailyLimit), 'x-hubspot-ratelimit-daily-remaining': '0' },
        };
      }
      return null;
    },
    buckets: { default: { cap: 190, windowMs: 10_000 }, search: { cap: 5, windowMs: 1_000 } },
    rateLimited: (state: RateState) => ({
      status: 429,
      body: {
        status: 'error',
        message:
          state.bucket === 'search'
            ? 'You have reached your secondly limit.'
            : 'You have reached your ten_secondly_rolling limit.',
        errorType: 'RATE_LIMIT',
        correlationId: randomUUID(),
        policyName: state.bucket === 'search' ? 'SECONDLY' : 'TEN_SECONDLY_ROLLING',
      },
    }),
    // Search responses carry no rate-limit headers on HubSpot either.
    rateHeaders: (state: RateState) =>
      state.bucket === 'search'
        ? {}
        : {
            'x-hubspot-ratelimit-max': String(state.cap),
            'x-hubspot-ratelimit-remaining': String(Math.max(0, state.remaining)),
            'x-hubspot-ratelimit-interval-milliseconds': String(state.windowMs),
            'x-hubspot-ratelimit-daily': String(dailyLimit),
            'x-hubspot-ratelimit-daily-remaining': String(Math.max(0, dailyLimit - dailyUsed)),
          },
    error: (status, message) => ({
      status,
      body: {
        status: 'error',
        message,
        correlationId: randomUUID(),
        category: status >= 500 ? 'INTERNAL_ERROR' : 'OBJECT_NOT_FOUND',
      },
    }),
    reset: () => {
      store.reset();
      dailyUsed = 0;
    },
  };
}

function clamp(raw: string | null, fallback: number, max: number): number {
  const n = Number(raw ?? fallback);
  return Number.isFinite(n) && n > 0 ? Math.min(n, max) : fallback;
}

function batchResponse(results: unknown[], errors: unknown[]): SandboxResponse {
  const now = new Date().toISOString();
  if (errors.length === 0)
    return { status: 200, body: { status: 'COMPLETE', results, startedAt: now, completedAt: now } };
  return {
    status: 207,
    body: { status: 'COMPLETE', results, numErrors: errors.length, errors, startedAt: now, completedAt: now },
  };
}

function objectNotFoundError(ids: string[]) {
  return {
    status: 'error',
    category: 'OBJECT_NOT_FOUND',
    message: 'Could not get some objects, they may be deleted or not exist.',
    context: { ids },
  };
}

function objectNotFound(ids: string[]): SandboxResponse {
  return {
    status: 404,
    body: {
      status: 'error',
      message: 'Object not found.  objectId are usually numeric.',
      correlationId: randomUUID(),
      context: { id: ids },
      category: 'OBJECT_NOT_FOUND',
    },
  };
}

function invalidOption(id: string, name: string, value: string) {
  return {
    status: 'error',
    category: 'VALIDATION_ERROR',
    message: `Property values were not valid: [{"isValid":false,"message":"${value} was not one of the allowed options","error":"INVALID_OPTION","name":"${name}"}]`,
    context: { ids: [id] },
  };
}

function validation(message: string): SandboxResponse {
  return { status: 400, body: { status: 'error', message, correlationId: randomUUID(), category: 'VALIDATION_ERROR' } };
}

function notFound(req: SandboxRequest): SandboxResponse {
  return {
    status: 404,
    body: {
      status: 'error',
      message: `Unknown object type in ${req.path}`,
      correlationId: randomUUID(),
      category: 'OBJECT_NOT_FOUND',
    },
  };
}

function missingScope(scope: string): SandboxResponse {
  return {
    status: 403,
    body: {
      status: 'error',
      message:
        "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
      correlationId: randomUUID(),
      errors: [
        { message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: [scope] } },
      ],
      links: { scopes: 'https://developers.hubspot.com/scopes' },
      category: 'MISSING_SCOPES',
    },
  };
}
