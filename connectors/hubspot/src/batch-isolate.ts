import type { RecordOutcome } from '@spoc/core/connector';
import type { CrmObjectType, HubspotApi } from './api.ts';
import { batchOutcomes, refusesRecords } from './batch-outcomes.ts';
import { toSpocError } from './errors.ts';

type Input = { id: string; properties: Record<string, string> };

/**
 * One batch update, its outcome per input put in `outcomes`. HubSpot may refuse a whole
 * batch for one input's bad value (an unknown or deactivated owner, a read-only or
 * unknown property) with a 400 that names no record: then the batch is split in halves
 * and each half sent again, down to the single inputs that are refused, so the good ones
 * are written in this run and only the bad ones fail. A batch that goes through costs
 * one call, as before; k bad inputs in n cost about 2·k·log2(n) more.
 * An error that stops the system (auth, daily limit, retries spent) is thrown, with
 * `outcomes` holding what was written before it.
 */
export async function updateIsolating(
  api: HubspotApi,
  type: CrmObjectType,
  inputs: Input[],
  outcomes: Map<string, RecordOutcome>,
  signal?: AbortSignal,
): Promise<void> {
  try {
    const { status, body } = await api.batchUpdate(type, inputs, signal);
    const ids = inputs.map((input) => input.id);
    for (const [id, outcome] of batchOutcomes(ids, status, body)) outcomes.set(id, outcome);
  } catch (error) {
    const e = toSpocError(error);
    if (!refusesRecords(e)) throw e;
    const [only] = inputs;
    if (inputs.length === 1 && only) {
      outcomes.set(only.id, { ok: false, code: e.code, message: e.message });
      return;
    }
    const half = Math.ceil(inputs.length / 2);
    await updateIsolating(api, type, inputs.slice(0, half), outcomes, signal);
    await updateIsolating(api, type, inputs.slice(half), outcomes, signal);
  }
}
