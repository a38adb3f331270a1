import type { VendorContext } from '@spoc/sandbox/kit';
import type { ZendeskStore } from './store.ts';

/** What every route family shares: the account's data and the frame's services. */
export interface ZendeskEnv {
  store: ZendeskStore;
  context: VendorContext;
}
