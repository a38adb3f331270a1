// PLACEHOLDER until the Salesforce emulator lands: answers 404 to everything.
import type { VendorApp, VendorContext } from '../kit/types.ts';
import type { SalesforceSeed } from '../seed/types.ts';

export function createSalesforceApp(_seed: SalesforceSeed | undefined, _context: VendorContext): VendorApp {
  return {
    name: 'salesforce',
    routes: [],
    authenticate: () => null,
    buckets: {},
    rateLimited: () => ({ status: 429, body: {} }),
    rateHeaders: () => ({}),
    error: (status, message) => ({ status, body: { message } }),
    reset: () => {},
  };
}
