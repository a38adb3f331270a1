import type { VendorContext } from '../kit/types.ts';
import type { ApiUsage } from './api-usage.ts';
import type { QueryCursors } from './query-cursors.ts';
import type { SalesforceStore } from './store.ts';

/** What every endpoint family shares. */
export interface SalesforceState {
  store: SalesforceStore;
  cursors: QueryCursors;
  usage: ApiUsage;
  context: VendorContext;
}

/** REST base path of every versioned route; `:version` is e.g. v62.0. */
export const BASE = '/services/data/:version';
