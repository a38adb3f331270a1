import type { SystemEmulatorId as SystemId } from '@spoc/cli';

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

/**
 * The plans the five-system benchmark runs Pipedrive and Freshdesk on. They write one
 * record a call, so at their default limits 100,000 accounts (≈ 20,000 changed records
 * each) would take 35 minutes (Pipedrive) and 1 h 45 (Freshdesk). Each limit is raised
 * on both sides at once, the emulator's plan (seed field) and the connector's configured
 * rate, over the vendor's own window, so client and server agree as they would on that
 * plan, and the rate bound is computed at these rates.
 *
 * - Pipedrive: Enterprise, 120 requests per 2 s per api_token, a real plan
 *   (https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting).
 * - Freshdesk: Enterprise is its top plan at 700 a minute
 *   (https://developers.freshdesk.com/api/#ratelimit), still 30 minutes for 20,000 PUTs,
 *   so the benchmark runs it at ten times that, 7,000 a minute: a limit no plan sells.
 *   Freshdesk's figures are Enterprise's compressed tenfold: calls are unchanged, and
 *   its wall time at 700 a minute is about ten times the one measured.
 *   (The sandbox's timeScale was not used: it shortens the emulator's window to 6 s while
 *   the connector's gate keeps Freshdesk's 60 s one, so the two would disagree on when a
 *   spent window rolls.)
 */
export const FIVE_SYSTEM_PLANS = {
  pipedrive: { perTwoSeconds: 120, plan: 'Enterprise (api_token), 120 per 2 s' },
  freshdesk: { perMinute: 7000, plan: '10 × Enterprise (700/min), 7,000 per minute' },
} as const;

/**
 * The plans the three-system benchmark runs a book of a million accounts or more on, so a
 * full sync's rate bound is about 8 minutes, not 21 (Zendesk's 14,400 calls at 700 a minute).
 * Both are real offers, set on both sides at once (the emulator's seed, the connector's
 * configured rate), so client and server agree as they would on that plan:
 *
 * - HubSpot: the API Limit Increase capacity pack, 250 requests per 10 s
 *   (https://developers.hubspot.com/changelog/increasing-our-api-limits);
 * - Zendesk: the High Volume API add-on, 2,500 requests a minute
 *   (https://developer.zendesk.com/api-reference/introduction/rate-limits/).
 */
export const LARGE_BOOK_PLANS = {
  hubspot: { perTenSeconds: 250, plan: 'API Limit Increase capacity pack, 250 per 10 s' },
  zendesk: { perMinute: 2500, plan: 'High Volume API add-on, 2,500 per minute' },
} as const;

/** From this many accounts the three-system benchmark runs on LARGE_BOOK_PLANS, and the full sync only. */
export const LARGE_BOOK = 1_000_000;

/** The rates of LARGE_BOOK_PLANS. */
export const LARGE_BOOK_RATES: Record<SystemId, number | null> = {
  ...VENDOR_RATES,
  hubspot: LARGE_BOOK_PLANS.hubspot.perTenSeconds / 10,
  zendesk: LARGE_BOOK_PLANS.zendesk.perMinute / 60,
};

/** The rates the five-system benchmark runs at: the defaults, with FIVE_SYSTEM_PLANS for the two. */
export const FIVE_SYSTEM_RATES: Record<SystemId, number | null> = {
  ...VENDOR_RATES,
  pipedrive: FIVE_SYSTEM_PLANS.pipedrive.perTwoSeconds / 2,
  freshdesk: FIVE_SYSTEM_PLANS.freshdesk.perMinute / 60,
};

/**
 * Records per page and per write call. `write: 1` is a vendor with no bulk update (one
 * call per changed record, its roles merged in one body): its writes count records, not
 * role changes.
 */
const PAGE: Record<SystemId, { read: number; people: number; write: number }> = {
  hubspot: { read: 100, people: 100, write: 100 },
  salesforce: { read: 2000, people: 2000, write: 200 },
  zendesk: { read: 100, people: 100, write: 100 },
  // Pipedrive lists users in one unpaged call (GET /v1/users) and has no bulk update: one PATCH per organization.
  pipedrive: { read: 500, people: Number.POSITIVE_INFINITY, write: 1 },
  // Freshdesk has no bulk company update: one PUT per company.
  freshdesk: { read: 100, people: 100, write: 1 },
};

export interface Load {
  accounts: number;
  people: number;
  /** Role changes written. */
  writes: number;
  /** Distinct records written (a record's roles merged); the calls of a vendor without bulk update. Default `writes`. */
  records?: number;
  /** Whether a role held in a Freshdesk dropdown was written (its choices are read first). */
  dropdownWrites?: boolean;
}

/** Minimum calls for a full read of `accounts`, all `people` and the owner writes. */
export function minimumCalls(system: SystemId, load: Load): number {
  const p = PAGE[system];
  const pages = (n: number, size: number) => Math.max(1, Math.ceil(n / size));
  const written = p.write === 1 ? (load.records ?? load.writes) : load.writes;
  const writes = written === 0 ? 0 : Math.ceil(written / p.write);
  // Zendesk's update_many is asynchronous: at least one job-status poll per batch.
  const polls = system === 'zendesk' ? writes : 0;
  return pages(load.accounts, p.read) + pages(load.people, p.people) + writes + polls + perRun(system, load);
}

/**
 * Calls a run makes once whatever its size: Pipedrive resolves its field labels to keys
 * (GET /api/v2/organizationFields, one page); Freshdesk reads the dropdown's choices
 * (GET /company_fields) before writing a dropdown role.
 */
function perRun(system: SystemId, load: Load): number {
  if (system === 'pipedrive') return 1;
  if (system === 'freshdesk' && load.dropdownWrites) return 1;
  return 0;
}

/** Vendors without a bulk update, for the benchmark's notes. */
export function writesOnePerCall(system: SystemId): boolean {
  return PAGE[system].write === 1;
}

/** Milliseconds the vendor's rate limit (at `rates`) imposes on `calls` calls. */
export function rateBoundMs(
  system: SystemId,
  calls: number,
  rates: Record<SystemId, number | null> = VENDOR_RATES,
): number {
  const rate = rates[system];
  return rate === null ? 0 : (calls / rate) * 1000;
}
