import {
  DailyAllowance,
  type HubspotSeed,
  type RateBucket,
  type RateState,
  type VendorApp,
  type VendorContext,
} from '@spoc/sandbox/kit';
import { checkToken } from './auth.ts';
import { batchRoutes } from './batch-routes.ts';
import { DEFAULT_INDEX_LAG_MS, INDEX_LAG } from './behaviours.ts';
import type { HubspotEnv } from './env.ts';
import { appError, rateLimitError } from './errors.ts';
import { objectRoutes } from './object-routes.ts';
import { ownerRoutes } from './owner-routes.ts';
import { propertyRoutes } from './property-routes.ts';
import { SearchIndex } from './search-index.ts';
import { searchRoutes } from './search-routes.ts';
import { HubspotStore } from './store.ts';

/** Private apps on Professional/Enterprise: 190 requests per 10 s; CRM search: 5 per second. */
export const HUBSPOT_BUCKETS: Record<string, RateBucket> = {
  default: { cap: 190, windowMs: 10_000 },
  search: { cap: 5, windowMs: 1_000 },
};

/** The portal's limits: the burst limit as the seed's plan sets it (a capacity pack raises it), search's own. */
function bucketsOf(seed: HubspotSeed | undefined): Record<string, RateBucket> {
  const burst = seed?.burstLimit;
  return burst === undefined ? HUBSPOT_BUCKETS : { ...HUBSPOT_BUCKETS, default: { cap: burst, windowMs: 10_000 } };
}

/** Requests a private app may make per day on the emulated (Enterprise) portal. */
export const DEFAULT_DAILY_LIMIT = 1_000_000;

/**
 * HubSpot CRM v3 as @hubspot/api-client sees it: owners, companies and contacts (list,
 * read, search, batch read/update, create, update, archive), property definitions, the
 * 10-second, search and daily limits with their headers, and HubSpot's error bodies.
 */
export function createHubspotApp(seed: HubspotSeed | undefined, context: VendorContext): VendorApp {
  const store = new HubspotStore(seed);
  // The day ends at midnight in the portal's time zone (here UTC of the sandbox clock).
  const daily = new DailyAllowance(seed?.dailyLimit ?? DEFAULT_DAILY_LIMIT, context.now, 'calendar');
  const index = new SearchIndex(() => context.faults.behaviour(INDEX_LAG, DEFAULT_INDEX_LAG_MS), context.now);
  store.changing = (o, created) => index.changing(o, created);
  const env: HubspotEnv = { store, index, context, nowIso: () => new Date(context.now()).toISOString() };

  const dailyHeaders = (): Record<string, string> => ({
    'x-hubspot-ratelimit-daily': String(daily.limit),
    'x-hubspot-ratelimit-daily-remaining': String(daily.remaining),
  });

  return {
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
    buckets: bucketsOf(seed),
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
    error: appError,
    reset: () => {
      store.reset();
      index.reset();
      daily.reset();
    },
  };
}
