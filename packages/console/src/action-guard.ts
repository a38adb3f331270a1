import { allowed, describeLimit, overrideKey, type SpocConfig, type StateStore } from '@spoc/core';
import type { Preview } from './preview.ts';

/**
 * The safety guard for console actions (safety.maxChanges, as `spoc sync` counts it): the
 * account-roles an action would re-own, with those of actions still waiting for a sync,
 * out of the account-roles the console shows. Checked when the action is previewed and
 * again when it is recorded; the sync that applies a recorded action does not count it
 * again (it passed here), so a large handover never holds every later sync back.
 */
export function guardAction(store: StateStore, config: SpocConfig, preview: Preview): string | null {
  const waiting = new Set(store.actions.pendingOverrides().keys());
  const changing = new Set(waiting);
  for (const c of preview.changes) changing.add(overrideKey(c.account, c.role));
  const inScope = store.ownership.list({}, { offset: 0, limit: 0 }).total;
  if (changing.size <= allowed(config.safety.maxChanges, inScope)) return null;
  return `${changing.size} account-roles would change owner by console actions${waiting.size > 0 ? ` (${waiting.size} of them from actions still waiting for a sync)` : ''}, more than ${describeLimit('safety.maxChanges', config.safety.maxChanges, inScope, 'account-roles')}: hand over fewer at once, or raise safety.maxChanges`;
}
