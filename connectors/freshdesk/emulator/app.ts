import type { VendorApp, VendorContext } from '@spoc/sandbox/kit';
import { agentRoutes } from './agent-routes.ts';
import { companyRoutes } from './company-routes.ts';
import type { FreshdeskEnv } from './env.ts';
import { appError } from './errors.ts';
import { type FreshdeskSeed, FreshdeskStore } from './store.ts';
import { ticketRoutes } from './ticket-routes.ts';
import { authenticate, DEFAULT_PER_MINUTE, freshdeskBuckets, rateHeaders, rateLimited } from './vendor-hooks.ts';

/**
 * Freshdesk API v2 as the connector sees it: agents, companies (page-numbered with a
 * Link header, view, update), company fields, tickets (by company, with the 30-day
 * default window), the filter API, bulk_update as a job, the plan's per-minute limit with
 * its headers and 429, Freshdesk's error bodies, and Basic apiKey:X auth.
 */
export function createFreshdeskApp(seed: FreshdeskSeed | undefined, context: VendorContext): VendorApp {
  const store = new FreshdeskStore(seed);
  const env: FreshdeskEnv = { store, context };
  return {
    routes: [...agentRoutes(env), ...companyRoutes(env), ...ticketRoutes(env)],
    authenticate,
    buckets: freshdeskBuckets(seed?.rateLimitPerMinute ?? DEFAULT_PER_MINUTE),
    rateLimited,
    rateHeaders,
    error: appError,
    // Jobs keep no timers, so dropping the store's state is the whole reset.
    reset: () => store.reset(),
  };
}
