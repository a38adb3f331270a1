import type { VendorContext } from '@spoc/sandbox/kit';
import type { SearchIndex } from './search-index.ts';
import type { HubspotStore } from './store.ts';

/** What every HubSpot route family shares. */
export interface HubspotEnv {
  store: HubspotStore;
  /** What CRM search sees (it trails writes by hubspot.indexLagMs). */
  index: SearchIndex;
  context: VendorContext;
  /** The sandbox clock as HubSpot writes timestamps (ISO, milliseconds, Z). */
  nowIso(): string;
}
