import type { Route, SandboxRequest, SandboxResponse, VendorApp, VendorContext } from '../kit/types.ts';
import type { SalesforceSeed } from '../seed/types.ts';
import { ApiUsage, DEFAULT_DAILY_API_REQUESTS } from './api-usage.ts';
import { compositeRoutes } from './composite-routes.ts';
import { ApiError, errorResponse, notFound } from './errors.ts';
import { MAX_VERSION, MIN_VERSION, metaRoutes, VERSIONS_PATH } from './meta-routes.ts';
import { oauthRoutes, TOKEN_PATH } from './oauth-routes.ts';
import { QueryCursors } from './query-cursors.ts';
import { queryRoutes } from './query-routes.ts';
import { sobjectRoutes } from './sobject-routes.ts';
import { BASE, type SalesforceState } from './state.ts';
import { SalesforceStore } from './store.ts';

const LIMIT_HEADER = 'Sforce-Limit-Info';

/**
 * The Salesforce REST API as jsforce 3 uses it: OAuth token endpoint, SOQL query with
 * locators, describe, sObject rows, sObject Collections, and the daily API allocation
 * (Salesforce has no short-window rate limit, so no buckets: every REST call counts
 * against the day instead).
 */
export function createSalesforceApp(seed: SalesforceSeed | undefined, context: VendorContext): VendorApp {
  const store = new SalesforceStore(seed, context.now);
  const state: SalesforceState = {
    store,
    cursors: new QueryCursors(context.now),
    usage: new ApiUsage(seed?.dailyApiRequests ?? DEFAULT_DAILY_API_REQUESTS, context.now),
    context,
  };
  const usageHeaders = () => ({ [LIMIT_HEADER]: state.usage.header() });

  /** Counts the call, refuses it once the day's allocation is spent, maps ApiError to its body. */
  const metered = (route: Route): Route => ({
    ...route,
    handler: async (req: SandboxRequest): Promise<SandboxResponse> => {
      if (!state.usage.take()) {
        const refused = errorResponse(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');
        return { ...refused, headers: usageHeaders() };
      }
      let response: SandboxResponse;
      try {
        if (route.path.startsWith(BASE) && !supportedVersion(req.params.version)) throw notFound();
        response = await route.handler(req);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        response = error.toResponse();
      }
      return { ...response, headers: { ...usageHeaders(), ...response.headers } };
    },
  });

  const [versions, ...versioned] = metaRoutes(state);
  const routes: Route[] = [
    ...oauthRoutes(state),
    ...(versions ? [versions] : []),
    // Describe, query and collections before the generic /sobjects/:type/:id row route.
    ...[...versioned, ...queryRoutes(state), ...compositeRoutes(state), ...sobjectRoutes(state)].map(metered),
  ];

  return {
    name: 'salesforce',
    routes,
    public: [TOKEN_PATH, VERSIONS_PATH],
    authenticate: (req) =>
      validSession(req) ? null : errorResponse(401, 'INVALID_SESSION_ID', 'Session expired or invalid'),
    buckets: {},
    // Only injected 429s reach this (Salesforce itself has no short-window limit).
    rateLimited: (rate) => ({
      ...errorResponse(429, 'REQUEST_LIMIT_EXCEEDED', 'ConcurrentPerOrgLongTxn Limit exceeded.'),
      headers: { 'Retry-After': String(Math.max(1, Math.ceil(rate.resetMs / 1000))), ...usageHeaders() },
    }),
    rateHeaders: () => ({}),
    error: (status, message) => {
      const response =
        status === 404
          ? notFound().toResponse()
          : errorResponse(status, status === 503 ? 'SERVER_UNAVAILABLE' : 'UNKNOWN_EXCEPTION', message);
      return { ...response, headers: usageHeaders() };
    },
    reset: () => {
      store.reset();
      state.cursors.clear();
      state.usage.reset();
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
