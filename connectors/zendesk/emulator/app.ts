import type { Route, VendorApp, VendorContext, ZendeskSeed } from '@spoc/sandbox/kit';
import type { ZendeskEnv } from './env.ts';
import { appError, notFound } from './errors.ts';
import { exportRoutes } from './export-routes.ts';
import { jobView } from './jobs.ts';
import { organizationRoutes } from './organization-routes.ts';
import { idParam } from './responses.ts';
import { ZendeskStore } from './store.ts';
import { ticketRoutes } from './ticket-routes.ts';
import { userRoutes } from './user-routes.ts';
import { authenticate, rateHeaders, rateLimited, ZENDESK_BUCKETS } from './vendor-hooks.ts';

/**
 * Zendesk Support API v2 as node-zendesk sees it: users and organizations with cursor
 * paging, organization fields, the incremental organization export (last minute
 * excluded), bulk updates as asynchronous job statuses with per-record results, ticket
 * search and bulk ticket updates, the per-minute limits with their headers, and
 * Zendesk's error bodies.
 */
export function createZendeskApp(seed: ZendeskSeed | undefined, context: VendorContext): VendorApp {
  const store = new ZendeskStore(seed);
  const env: ZendeskEnv = { store, context };
  const jobRoutes: Route[] = [
    {
      method: 'GET',
      path: '/api/v2/job_statuses/:id',
      handler: (req) => {
        const job = store.jobs.get(idParam(req));
        if (!job) return notFound();
        return { status: 200, body: { job_status: jobView(req, job, context.now()) } };
      },
    },
  ];
  return {
    routes: [...userRoutes(env), ...organizationRoutes(env), ...exportRoutes(env), ...ticketRoutes(env), ...jobRoutes],
    authenticate,
    // The plan's limit, as the seed sets it (the High Volume API add-on raises it); the exports keep theirs.
    buckets:
      seed?.rateLimitPerMinute === undefined
        ? ZENDESK_BUCKETS
        : { ...ZENDESK_BUCKETS, default: { cap: seed.rateLimitPerMinute, windowMs: 60_000 } },
    rateLimited,
    rateHeaders,
    error: appError,
    // Jobs keep no timers, so dropping the store's state is the whole reset.
    reset: () => store.reset(),
  };
}
