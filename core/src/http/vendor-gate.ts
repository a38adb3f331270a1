import PQueue from 'p-queue';
import type { ConnectorStats } from '../domain/connector.ts';
import { isSpocError } from '../errors/spoc-error.ts';
import { DEFAULT_RETRY, type RetryOptions, sleep, withRetry } from './retry.ts';

export interface VendorGateOptions {
  /** Requests allowed per window (the vendor's documented limit). */
  cap: number;
  intervalMs: number;
  /** Requests in flight at once. */
  concurrency?: number;
  retry?: Partial<RetryOptions>;
}

/** What a response said about the remaining allowance (from X-…-RateLimit-… headers). */
export interface RateObservation {
  remaining: number;
  /** Milliseconds until the window resets, when the vendor says. */
  resetMs?: number;
}

/**
 * One per vendor (or per vendor limit, e.g. HubSpot search): a p-queue that starts
 * at most `cap` requests per `intervalMs`, retries transient failures with backoff,
 * and pauses when the vendor says the allowance is spent, so a run does not earn
 * 429s it could have avoided. Every attempt, retries included, passes the queue.
 */
export class VendorGate {
  private readonly queue: PQueue;
  private readonly retry: RetryOptions;
  private readonly intervalMs: number;
  private pausedUntil = 0;
  private readonly counters: ConnectorStats = { calls: 0, retries: 0, throttled: 0 };

  constructor(options: VendorGateOptions) {
    this.intervalMs = options.intervalMs;
    // The same allowance over shorter windows (700/min → 70 per 6 s): calls flow at the
    // vendor's rate instead of bursting at the start of each window and idling until it
    // resets, which costs up to a whole window at every phase boundary of a run.
    const split = [10, 5, 4, 2, 1].find((k) => options.cap % k === 0) ?? 1;
    this.queue = new PQueue({
      concurrency: options.concurrency ?? 4,
      intervalCap: options.cap / split,
      interval: options.intervalMs / split,
      carryoverIntervalCount: true,
    });
    this.retry = {
      ...DEFAULT_RETRY,
      ...options.retry,
      onRetry: (info) => {
        this.counters.retries++;
        const err = info.error;
        if (isSpocError(err) && err.status === 429) {
          this.counters.throttled++;
          this.pauseFor(info.delayMs);
        }
        options.retry?.onRetry?.(info);
      },
    };
  }

  /** Runs one vendor call through the limiter, with retries for transient errors. */
  run<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return withRetry(
      () =>
        this.queue.add(
          async () => {
            await this.waitIfPaused(signal);
            this.counters.calls++;
            return call();
          },
          signal ? { signal } : {},
        ) as Promise<T>,
      this.retry,
      signal,
    );
  }

  /** Feed the vendor's rate-limit headers back; pauses when the window is spent. */
  observe(observation: RateObservation): void {
    if (observation.remaining <= 0) this.pauseFor(observation.resetMs ?? this.intervalMs);
  }

  /** Stop starting requests for `ms` (after a 429 or a spent window). */
  pauseFor(ms: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, Date.now() + ms);
  }

  stats(): ConnectorStats {
    return { ...this.counters };
  }

  private async waitIfPaused(signal?: AbortSignal): Promise<void> {
    const wait = this.pausedUntil - Date.now();
    if (wait > 0) await sleep(wait, signal);
  }
}
