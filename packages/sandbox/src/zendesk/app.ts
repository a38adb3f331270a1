// PLACEHOLDER until the Zendesk emulator lands: answers 404 to everything.
import type { VendorApp, VendorContext } from '../kit/types.ts';
import type { ZendeskSeed } from '../seed/types.ts';

export function createZendeskApp(_seed: ZendeskSeed | undefined, _context: VendorContext): VendorApp {
  return {
    name: 'zendesk',
    routes: [],
    authenticate: () => null,
    buckets: {},
    rateLimited: () => ({ status: 429, body: {} }),
    rateHeaders: () => ({}),
    error: (status, message) => ({ status, body: { message } }),
    reset: () => {},
  };
}
