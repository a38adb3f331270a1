import type { RateBucket, RateState, SandboxResponse, VendorApp, VendorContext } from '../kit/types.ts';
import type { HubspotSeed } from '../seed/types.ts';
import { checkToken } from './auth.ts';
import { batchRoutes } from './batch-routes.ts';
import { DailyLimit, DEFAULT_DAILY_LIMIT } from './daily-limit.ts';
import type { HubspotEnv } from './env.ts';
import { hubspotError, rateLimitError } from './errors.ts';
import { objectRoutes } from './object-routes.ts';
import { ownerRoutes } from './owner-routes.ts';
import { propertyRoutes } from './property-routes.ts';
import { searchRoutes } from './search-routes.ts';
import { HubspotStore } from './store.ts';

/** Private apps on Professional/Enterprise: 190 requests per 10 s; CRM search: 5 per second. */
export const HUBSPOT_BUCKETS: Record<string, RateBucket> = {
  default: { cap: 190, windowMs: 10_000 },
  search: { cap: 5, windowMs: 1_000 },
};

/**
 * HubSpot CRM v3 as @hubspot/api-client sees it: owners, companies and contacts (list,
 * read, search, batch read/update, create, update, archive), property definitions, the
 * 10-second, search and daily limits with their headers, and HubSpot's error bodies.
 */
export function createHubspotApp(seed: HubspotSeed | undefined, context: VendorContext): VendorApp {
  const store = new HubspotStore(seed);
  const daily = new DailyLimit(seed?.dailyLimit ?? DEFAULT_DAILY_LIMIT, context.now);
  const env: HubspotEnv = { store, context, nowIso: () => new Date(context.now()).toISOString() };

  const dailyHeaders = (): Record<string, string> => ({
    'x-hubspot-ratelimit-daily': String(daily.limit),
    'x-hubspot-ratelimit-daily-remaining': String(daily.remaining),
  });

  return {
    name: 'hubspot',
    routes: [
      ...ownerRoutes(env),
      ...searchRoutes(env),
      ...batchRoutes(env),
      ...objectRoutes(env),
      ...propertyRoutes(env),
    ],
    // Every authenticated call counts against the day, whatever its bucket.
    authenticate: (req) => {
      const denied = checkToken(req);
      if (denied) return denied;
      if (daily.take()) return null;
      const limited = rateLimitError('DAILY');
      return { ...limited, headers: dailyHeaders() };
    },
    buckets: HUBSPOT_BUCKETS,
    rateLimited: (state: RateState) => rateLimitError(state.bucket === 'search' ? 'SECONDLY' : 'TEN_SECONDLY_ROLLING'),
    // CRM search answers carry no rate-limit headers on HubSpot.
    rateHeaders: (state: RateState) =>
      state.bucket === 'search'
        ? {}
        : {
            'x-hubspot-ratelimit-max': String(state.cap),
            'x-hubspot-ratelimit-remaining': String(Math.max(0, state.remaining)),
            'x-hubspot-ratelimit-interval-milliseconds': String(state.windowMs),
            ...dailyHeaders(),
          },
    error: vendorError,
    reset: () => {
      store.reset();
      daily.reset();
    },
  };
}

function vendorError(status: number, message: string): SandboxResponse {
  if (status === 404) return hubspotError(404, 'OBJECT_NOT_FOUND', message);
  if (status >= 500) return hubspotError(status, status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR', message);
  return hubspotError(status, 'VALIDATION_ERROR', message);
}
