import type { VendorContext } from '@spoc/sandbox/kit';
import type { FreshdeskStore } from './store.ts';

/** What every route family shares: the account's data and the frame's services. */
export interface FreshdeskEnv {
  store: FreshdeskStore;
  context: VendorContext;
}

/** Freshdesk timestamps are ISO 8601 UTC without milliseconds. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

export function bodyOf(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
