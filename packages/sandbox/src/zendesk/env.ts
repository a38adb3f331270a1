import type { VendorContext } from '../kit/types.ts';
import type { ZendeskStore } from './store.ts';

/** What every route family shares: the account's data and the frame's services. */
export interface ZendeskEnv {
  store: ZendeskStore;
  context: VendorContext;
}
