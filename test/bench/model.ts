import type { EmulatorId as SystemId } from '@spoc/cli';

/**
 * The performance model of docs/ARCHITECTURE.md ("How much a run costs"): the fewest calls a full sync can make per
 * vendor, and the time the vendors' rate limits impose on them.
 */

/** Sustained request rates (per second) of the vendors' default limits. */
export const VENDOR_RATES: Record<SystemId, number | null> = {
  hubspot: 190 / 10,
  // Salesforce has a daily allocation, no short-window rate: it never bounds wall time.
  salesforce: null,
  zendesk: 700 / 60,
  // spoc's defaults: Pipedrive's 20 requests per 2 s (api_token, lowest plan), Freshdesk's 200 a minute (Growth).
  pipedrive: 20 / 2,
  freshdesk: 200 / 60,
};

const PAGE: Record<SystemId, { read: number; people: number; write: number }> = {
  hubspot: { read: 100, people: 100, write: 100 },
  salesforce: { read: 2000, people: 2000, write: 200 },
  zendesk: { read: 100, people: 100, write: 100 },
  // Pipedrive lists users in one unpaged call and updates one organization per call.
  pipedrive: { read: 500, people: Number.POSITIVE_INFINITY, write: 1 },
  // Freshdesk updates one company per call.
  freshdesk: { read: 100, people: 100, write: 1 },
};

/** Minimum calls for a full read of `accounts`, all `people` and `writes` owner writes. */
export function minimumCalls(system: SystemId, load: { accounts: number; people: number; writes: number }): number {
  const p = PAGE[system];
  const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));
  const writes = load.writes === 0 ? 0 : Math.ceil(load.writes / p.write);
  // Zendesk's update_many is asynchronous: at least one job-status poll per batch.
  const polls = system === 'zendesk' ? writes : 0;
  return pages(load.accounts, p.read) + pages(load.people, p.people) + writes + polls;
}

/** Milliseconds the vendor's rate limit imposes on `calls` calls. */
export function rateBoundMs(system: SystemId, calls: number): number {
  const rate = VENDOR_RATES[system];
  return rate === null ? 0 : (calls / rate) * 1000;
}
