import { isSpocError, type RecordOutcome } from '@spoc/core/connector';
import { errorText } from './mapping.ts';

/**
 * A refusal that concerns the record itself (400 validation such as an unknown or
 * deactivated owner, 403 no permission on this record, 404 gone, 409/422), as opposed
 * to one that stops the system (bad token, the day's budget, Pipedrive down after the
 * retries, the run's abort).
 */
export function refusesRecord(error: unknown): boolean {
  return (
    isSpocError(error) &&
    error.kind === 'vendor' &&
    error.status !== undefined &&
    error.status >= 400 &&
    error.status < 500 &&
    error.status !== 401 &&
    error.status !== 429
  );
}

/** A 2xx answer: written, unless the body itself says `success: false`. */
export function answered(body: unknown): RecordOutcome {
  if (body && typeof body === 'object' && (body as { success?: unknown }).success === false) {
    return { ok: false, code: 'PIPEDRIVE_REFUSED', message: errorText(body).message ?? 'Pipedrive refused the update' };
  }
  return { ok: true };
}

/** Runs `work` over `items` with at most `concurrency` in flight, stopping new ones once `stop()` says so. */
export async function eachLimited<T>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
  stop: () => boolean,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length && !stop(); i = next++) await work(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
