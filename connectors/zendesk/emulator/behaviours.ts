/**
 * The Zendesk behaviours a fault spec may set (`zendesk.<name>=N`), with their defaults.
 * Each is read where it acts: jobs.ts (jobs), search-index.ts (search lag).
 */
export const ZENDESK_BEHAVIOURS = {
  'zendesk.jobMs':
    'milliseconds a bulk job takes from queued to its end on the sandbox clock: queued for the first quarter, then working (default 1000)',
  'zendesk.jobKilled': 'share of bulk jobs killed halfway: status killed, only the first half processed (default 0)',
  'zendesk.jobFailed': 'share of bulk jobs that fail halfway: status failed, only the first half processed (default 0)',
  'zendesk.failureIdIsIndex':
    "share of a job's failed results whose id is the record's position in the request, not its id (default 0.5)",
  'zendesk.searchLagMs': 'milliseconds before a ticket change is visible to search (default 120000)',
} as const;

export type ZendeskBehaviour = keyof typeof ZENDESK_BEHAVIOURS;

export const BEHAVIOUR_DEFAULTS: Record<ZendeskBehaviour, number> = {
  'zendesk.jobMs': 1000,
  'zendesk.jobKilled': 0,
  'zendesk.jobFailed': 0,
  'zendesk.failureIdIsIndex': 0.5,
  'zendesk.searchLagMs': 120_000,
};
