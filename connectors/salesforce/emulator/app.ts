import {
  DailyAllowance,
  type Route,
  type SalesforceSeed,
  type SandboxRequest,
  type SandboxResponse,
  type VendorApp,
  type VendorContext,
  VendorError,
} from '@spoc/sandbox/kit';
import { compositeRoutes } from './composite-routes.ts';
import { BASE, type SalesforceEnv } from './env.ts';
import { appError, notFound, salesforceError } from './errors.ts';
import { MAX_VERSION, MIN_VERSION, metaRoutes, VERSIONS_PATH } from './meta-routes.ts';
import { oauthRoutes, TOKEN_PATH } from './oauth-routes.ts';
import { concurrentRefusal } from './org-behaviours.ts';
import { QueryCursors } from './query-cursors.ts';
import { queryRoutes } from './query-routes.ts';
import { sobjectRoutes } from './sobject-routes.ts';
import { SalesforceStore } from './store.ts';

const LIMIT_HEADER = 'Sforce-Limit-Info';
/** Salesforce's daily API allocation: every REST call counts; over it → 403 REQUEST_LIMIT_EXCEEDED. */
export const DEFAULT_DAILY_API_REQUESTS = 100_000;

/**
 * The Salesforce REST API as jsforce 3 uses it: OAuth token endpoint, SOQL query with
 * locators, describe, sObject rows, sObject Collections, and the daily API allocation
 * (Salesforce has no short-window rate limit, so no buckets: every REST call counts
 * against the day instead).
 */
export function createSalesforceApp(seed: SalesforceSeed | undefined, context: VendorContext): VendorApp {
  const store = new SalesforceStore(seed, context.now);
  const env: SalesforceEnv = {
    store,
    cursors: new QueryCursors(context.now),
    // A rolling 24-hour window from the first counted call (the sandbox clock can jump past it).
    usage: new DailyAllowance(seed?.dailyApiRequests ?? DEFAULT_DAILY_API_REQUESTS, context.now, 'rolling'),
    context,
  };
  const usageHeaders = () => ({ [LIMIT_HEADER]: `api-usage=${env.usage.used}/${env.usage.limit}` });

  /** Counts the call, refuses it once the day's allocation is spent, adds the usage header to every answer. */
  const metered = (route: Route): Route => ({
    ...route,
    handler: async (req: SandboxRequest): Promise<SandboxResponse> => {
      const concurrent = concurrentRefusal(context);
      if (concurrent) return { ...concurrent, headers: usageHeaders() };
      if (!env.usage.take()) {
        const refused = salesforceError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
        return { ...refused, headers: usageHeaders() };
      }
      let response: SandboxResponse;
      try {
        response =
          route.path.startsWith(BASE) && !supportedVersion(req.params.version) ? notFound() : await route.handler(req);
      } catch (error) {
        if (!(error instanceof VendorError)) throw error;
        response = error.response;
      }
      return { ...response, headers: { ...usageHeaders(), ...response.headers } };
    },
  });

  const [versions, ...versioned] = metaRoutes(env);
  const routes: Route[] = [
    ...oauthRoutes(env),
    ...(versions ? [versions] : []),
    // Describe, query and collections before the generic /sobjects/:type/:id row route.
    ...[...versioned, ...queryRoutes(env), ...compositeRoutes(env), ...sobjectRoutes(env)].map(metered),
  ];

  return {
    routes,
    public: [TOKEN_PATH, VERSIONS_PATH],
    authenticate: (req) =>
      validSession(req) ? null : salesforceError(401, 'INVALID_SESSION_ID', 'Session expired or invalid'),
    buckets: {},
    // Only injected 429s reach this (Salesforce itself has no short-window limit).
    rateLimited: (rate) => ({
      ...salesforceError(429, 'REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.'),
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(rate.resetMs / 1000))), ...usageHeaders() },
    }),
    rateHeaders: () => ({}),
    error: (status, message) => ({ ...appError(status, message), headers: usageHeaders() }),
    reset: () => {
      store.reset();
      env.cursors.clear();
      env.usage.reset();
    },
  };
}

/** `Authorization: Bearer <token>` (or the older `OAuth <token>`); tokens named expired…/invalid are refused. */
function validSession(req: SandboxRequest): boolean {
  const header = req.headers.authorization ?? '';
  const m = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(header.trim());
  const token = m?.[1];
  return token !== undefined && token !== 'invalid' && !token.startsWith('expired');
}

function supportedVersion(version: string | undefined): boolean {
  const m = /^v(\d+)\.0$/.exec(version ?? '');
  const major = Number(m?.[1]);
  return major >= MIN_VERSION && major <= MAX_VERSION;
}
