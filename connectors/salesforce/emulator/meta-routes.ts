import type { Route } from '@spoc/sandbox/kit';
import { BASE, type SalesforceEnv } from './env.ts';
import { ORG_ID } from './ids.ts';

export const VERSIONS_PATH = '/services/data';
/** Versions the emulator answers (Winter '21 … Spring '26); others get NOT_FOUND like an unknown version. */
export const MIN_VERSION = 20;
export const MAX_VERSION = 66;

/** v50 = Winter '21, then Spring, Summer, Winter… */
function release(major: number): string {
  const k = major - 50;
  const season = ['Winter', 'Spring', 'Summer'][((k % 3) + 3) % 3] ?? 'Winter';
  const year = 21 + Math.floor(k / 3);
  return `${season} '${String(year).padStart(2, '0')}`;
}

/** Versions list, resource directory, limits, and the identity URL the token endpoint hands out. */
export function metaRoutes(env: SalesforceEnv): Route[] {
  return [
    {
      method: 'GET',
      path: VERSIONS_PATH,
      handler: () => {
        const versions = [];
        for (let v = 50; v <= 62; v++) {
          versions.push({ label: release(v), url: `/services/data/v${v}.0`, version: `${v}.0` });
        }
        return { status: 200, body: versions };
      },
    },
    {
      method: 'GET',
      path: BASE,
      handler: (req) => {
        const base = `/services/data/${req.params.version ?? ''}`;
        const names = ['sobjects', 'query', 'queryAll', 'limits', 'composite'];
        return { status: 200, body: Object.fromEntries(names.map((n) => [n, `${base}/${n}`])) };
      },
    },
    {
      method: 'GET',
      path: `${BASE}/limits`,
      handler: () => {
        const max = env.usage.limit;
        const remaining = env.usage.remaining;
        return {
          status: 200,
          body: {
            DailyApiRequests: { Max: max, Remaining: remaining },
            DailyBulkApiBatches: { Max: 15000, Remaining: 15000 },
            DailyBulkV2QueryJobs: { Max: 10000, Remaining: 10000 },
            DataStorageMB: { Max: 1024, Remaining: 1024 },
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/id/:org/:user',
      handler: (req) => {
        const user = env.store.get('User', req.params.user ?? '');
        return {
          status: 200,
          body: {
            id: `${req.baseUrl}/id/${ORG_ID}/${req.params.user ?? ''}`,
            organization_id: ORG_ID,
            user_id: req.params.user ?? '',
            username: user?.Username ?? user?.Email ?? null,
            email: user?.Email ?? null,
            display_name: user?.Name ?? null,
            active: user?.IsActive ?? false,
            user_type: 'STANDARD',
            urls: {
              rest: `${req.baseUrl}/services/data/v{version}/`,
              query: `${req.baseUrl}/services/data/v{version}/query/`,
            },
          },
        };
      },
    },
  ];
}
