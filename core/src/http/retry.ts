import { isSpocError } from '../errors/spoc-error.ts';

export interface RetryOptions {
  /** Attempts in total, first one included. */
  maxAttempts: number;
  /** First backoff; doubles each attempt. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Random source for jitter (tests pass a fixed one). */
  random?: () => number;
  /** Called before each wait, e.g. to count or log retries. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * Delay before retry number `attempt` (1-based): the vendor's Retry-After when it
 * sent one, else exponential backoff with "equal jitter" (half fixed, half random)
 * so that parallel workers do not retry in lock-step.
 */
export function backoffDelay(attempt: number, options: RetryOptions, retryAfterMs?: number): number {
  const random = options.random ?? Math.random;
  if (retryAfterMs !== undefined) return retryAfterMs + Math.floor(random() * 250);
  const exp = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (attempt - 1));
  return Math.floor(exp / 2 + random() * (exp / 2));
}

/**
 * Runs `attempt` until it succeeds, retrying only SpocErrors of kind `transient`.
 * Hand-written rather than p-retry because the delay must follow each response's
 * Retry-After, which p-retry cannot take per attempt.
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: RetryOptions = DEFAULT_RETRY,
  signal?: AbortSignal,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const transient = isSpocError(error) && error.kind === 'transient';
      if (!transient || n >= options.maxAttempts || signal?.aborted) throw error;
      const delayMs = backoffDelay(n, options, error.retryAfterMs);
      options.onRetry?.({ attempt: n, delayMs, error });
      await sleep(delayMs, signal);
    }
  }
}

/** setTimeout as a promise, cancelled by `signal` (uses the global timer so fake timers apply). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
