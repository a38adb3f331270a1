import type { DailyAllowance, VendorContext } from '@spoc/sandbox/kit';
import type { QueryCursors } from './query-cursors.ts';
import type { SalesforceStore } from './store.ts';

/** What every endpoint family shares. */
export interface SalesforceEnv {
  store: SalesforceStore;
  cursors: QueryCursors;
  /** The org's daily API allocation. */
  usage: DailyAllowance;
  context: VendorContext;
}

/** REST base path of every versioned route; `:version` is e.g. v62.0. */
export const BASE = '/services/data/:version';
