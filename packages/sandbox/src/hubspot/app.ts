// PLACEHOLDER until the Hubspot emulator lands: answers 404 to everything.
import type { VendorApp, VendorContext } from '../kit/types.ts';
import type { HubspotSeed } from '../seed/types.ts';

export function createHubspotApp(_seed: HubspotSeed | undefined, _context: VendorContext): VendorApp {
  return {
    name: 'hubspot',
    routes: [],
    authenticate: () => null,
    buckets: {},
    rateLimited: () => ({ status: 429, body: {} }),
    rateHeaders: () => ({}),
    error: (status, message) => ({ status, body: { message } }),
    reset: () => {},
  };
}
