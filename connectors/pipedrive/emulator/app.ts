import type { RateState, SandboxResponse, VendorApp, VendorContext } from '@spoc/sandbox/kit';
import { validToken } from './auth.ts';
import { TokenBudget, tokenCost } from './budget.ts';
import { changelogRoutes } from './changelog-routes.ts';
import { appError, pipedriveError, unauthorized } from './errors.ts';
import { fieldRoutes } from './field-routes.ts';
import { recordRoutes } from './record-routes.ts';
import type { PipedriveSeed } from './seed.ts';
import { PipedriveStore } from './store.ts';
import { userRoutes } from './user-routes.ts';

/** api_token requests per 2-second window on the Essential plan (https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting). */
export const DEFAULT_BURST_LIMIT = 20;
export const DEFAULT_DAILY_BUDGET = 1_000_000;

/**
 * Pipedrive as the official SDK sees it: v1 users, v2 organizations, organization fields
 * and persons, the token's 2-second window and the company's daily token budget with
 * their headers (x-ratelimit-limit, -remaining, -reset; x-daily-requests-left) and 429s
 * with Retry-After, and Pipedrive's error bodies.
 */
export function createPipedriveApp(seed: PipedriveSeed | undefined, context: VendorContext): VendorApp {
  const store = new PipedriveStore(seed);
  const budget = new TokenBudget(seed?.dailyBudget ?? DEFAULT_DAILY_BUDGET, context.now);
  const daily = (): Record<string, string> => ({ 'x-daily-requests-left': String(budget.remaining) });

  return {
    routes: [...userRoutes(store), ...fieldRoutes(store), ...recordRoutes(store, context), ...changelogRoutes(store)],
    authenticate: (req): SandboxResponse | null => {
      if (!validToken(req)) return unauthorized();
      if (budget.take(tokenCost(req.method, req.path))) return null;
      // The day's budget: refused until midnight UTC, whatever the 2-second window says.
      return pipedriveError(429, 'Daily API token budget exceeded. The budget resets at midnight UTC.', {
        'retry-after': String(budget.resetSeconds),
        ...daily(),
      });
    },
    buckets: { default: { cap: seed?.burstLimit ?? DEFAULT_BURST_LIMIT, windowMs: 2_000 } },
    rateLimited: (state: RateState) =>
      pipedriveError(429, 'Request over limit', {
        'retry-after': String(Math.max(1, Math.ceil(state.resetMs / 1000))),
      }),
    rateHeaders: (state: RateState) => ({
      'x-ratelimit-limit': String(state.cap),
      'x-ratelimit-remaining': String(Math.max(0, state.remaining)),
      'x-ratelimit-reset': String(Math.max(1, Math.ceil(state.resetMs / 1000))),
      ...daily(),
    }),
    error: appError,
    reset: () => {
      store.reset();
      budget.reset();
    },
  };
}
