/**
 * The sandbox's vendor behaviours (set by a fault spec, e.g. `hubspot.indexLagMs=3000`).
 * The index lag defaults to 0, not HubSpot's few seconds: the CLI scenarios edit a
 * company and sync at once on the real clock, and a default lag would hide those edits
 * from that sync. Tests of the lag set it and move the sandbox clock.
 */
export const INDEX_LAG = 'hubspot.indexLagMs';
export const DEFAULT_INDEX_LAG_MS = 0;
/**
 * HubSpot may refuse a whole batch update for one input's bad property value (an unknown
 * or deactivated owner, a read-only or unknown property) with a single 400 that names
 * no record, instead of a 207 listing per-input errors: integrations split such batches
 * and resend ("When a batched HubSpot request fails with HTTP 400 ... individual retries",
 * https://github.com/rudderlabs/rudder-transformer/pull/5147; the 400 body
 * "Property values were not valid: [...]" with category VALIDATION_ERROR,
 * https://github.com/Atlas-Authority/marketing-automation/issues/174).
 */
export const WHOLE_BATCH_INVALID = 'hubspot.batchInvalidRefusesWhole';
export const HUBSPOT_BEHAVIOURS = {
  [INDEX_LAG]:
    'CRM search sees a create, update or archive up to this many ms (sandbox clock) after it, each change after its own delay (default 0)',
  [WHOLE_BATCH_INVALID]:
    '1: a batch update with an invalid property value is refused whole, one 400 VALIDATION_ERROR naming no record; 0: 207 with an error per input (default 1)',
} as const;
