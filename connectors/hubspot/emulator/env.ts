import type { VendorContext } from '@spoc/sandbox/kit';
import type { HubspotStore } from './store.ts';

/** What every HubSpot route family shares. */
export interface HubspotEnv {
  store: HubspotStore;
  context: VendorContext;
  /** The sandbox clock as HubSpot writes timestamps (ISO, milliseconds, Z). */
  nowIso(): string;
}
