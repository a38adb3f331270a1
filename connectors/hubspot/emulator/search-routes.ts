import type { Route } from '@spoc/sandbox/kit';
import type { HubspotEnv } from './env.ts';
import { unknownObjectType, validationError } from './errors.ts';
import { objectView } from './object-view.ts';
import { objectTypeOf } from './schema.ts';
import { parseSearch, runSearch, SEARCH_LIMITS } from './search.ts';
import type { CrmObject } from './store.ts';

/** Sorted results kept for paging: a client walking 10,000 results pays for one sort, not fifty. */
const CACHED_RESULTS = 4;

/** POST /crm/v3/objects/{type}/search: its own 5-a-second bucket and no rate-limit headers. */
export function searchRoutes({ store, index, context }: HubspotEnv): Route[] {
  const cache = new Map<string, { version: number; results: CrmObject[] }>();
  const resultsFor = (key: string, compute: () => CrmObject[]): CrmObject[] => {
    // While writes wait to be indexed, what search sees changes with the clock alone.
    if (index.lagging) return compute();
    const hit = cache.get(key);
    if (hit && hit.version === store.version) return hit.results;
    const results = compute();
    cache.delete(key);
    cache.set(key, { version: store.version, results });
    if (cache.size > CACHED_RESULTS) cache.delete(cache.keys().next().value as string);
    return results;
  };

  return [
    {
      method: 'POST',
      path: '/crm/v3/objects/:type/search',
      bucket: 'search',
      handler: (req) => {
        const type = objectTypeOf(req.params.type);
        if (!type) return unknownObjectType(req.params.type ?? '');
        const request = parseSearch(req.body);
        if (typeof request === 'string') return validationError(request);
        const { after, limit } = request;
        // HubSpot serves at most the first 10,000 results of a search.
        if (after + limit > SEARCH_LIMITS.window) {
          return validationError(
            `Search paging is limited to the first ${SEARCH_LIMITS.window} results: after (${after}) + limit (${limit}) must not exceed ${SEARCH_LIMITS.window}.`,
          );
        }
        const results = resultsFor(`${type}:${request.key}`, () =>
          runSearch(index.visible(store.objects[type].list), type, request),
        );
        const page = results.slice(after, after + limit).map((o) => objectView(o, type, request.properties));
        const more = after + limit < results.length;
        return {
          status: 200,
          // Every HTTP answer carries its server's Date (RFC 9110 §6.6.1); here the sandbox clock.
          headers: { date: new Date(context.now()).toUTCString() },
          body: {
            total: results.length,
            results: page,
            ...(more ? { paging: { next: { after: String(after + limit) } } } : {}),
          },
        };
      },
    },
  ];
}
