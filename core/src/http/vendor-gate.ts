import PQueue from 'p-queue';
import type { ConnectorStats } from '../domain/connector.ts';
import { isSpocError } from '../errors/spoc-error.ts';
import { type CallTally, endVendorCall, startVendorCall } from '../telemetry/vendor-call.ts';
import { DEFAULT_RETRY, type RetryOptions, sleep, withRetry } from './retry.ts';

const ROLL_MARGIN_MS = 200;

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
  /** Milliseconds until the window resets, when the vendor says (most do not). */
  resetMs?: number;
}

/**
 * One per vendor (or per vendor limit, e.g. a search API's own): a p-queue that starts
 * at most `cap` requests per `intervalMs`, retries transient failures with backoff,
 * and pauses when the vendor says the allowance is spent, so a run does not earn
 * 429s it could have avoided. Every attempt, retries included, passes the queue.
 */
export class VendorGate {
  private readonly queue: PQueue;
  private readonly retry: RetryOptions;
  private readonly intervalMs: number;
  private readonly cap: number;
  /** Start times of the last `cap` calls (a ring), to tell when a spent window must have rolled. */
  private readonly starts: number[] = [];
  private nextStart = 0;
  private pausedUntil = 0;
  private readonly counters: ConnectorStats = { calls: 0, retries: 0, throttled: 0 };

  constructor(options: VendorGateOptions) {
    this.intervalMs = options.intervalMs;
    this.cap = options.cap;
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
        if (throttled(info.error)) {
          this.counters.throttled++;
          this.pauseFor(info.delayMs);
        }
        options.retry?.onRetry?.(info);
      },
    };
  }

  /**
   * Runs one vendor call through the limiter, with retries for transient errors, in a
   * `spoc.vendor.call` span when tracing is on (core/src/telemetry/).
   */
  run<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const span = startVendorCall();
    if (!span.isRecording()) return withRetry(() => this.attempt(call, signal), this.retry, signal);
    const tally: CallTally = { retries: 0, throttled: 0 };
    const retry: RetryOptions = {
      ...this.retry,
      onRetry: (info) => {
        tally.retries++;
        if (throttled(info.error)) tally.throttled++;
        this.retry.onRetry?.(info);
      },
    };
    return withRetry(() => this.attempt(call, signal), retry, signal).then(
      (value) => {
        endVendorCall(span, tally);
        return value;
      },
      (error: unknown) => {
        endVendorCall(span, tally, error);
        throw error;
      },
    );
  }

  /** One attempt: queued under the rate cap, held while the vendor's allowance is spent. */
  private attempt<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    return this.queue.add(
      async () => {
        await this.waitIfPaused(signal);
        this.counters.calls++;
        this.starts[this.nextStart] = Date.now();
        this.nextStart = (this.nextStart + 1) % this.cap;
        return call();
      },
      signal ? { signal } : {},
    ) as Promise<T>;
  }

  /**
   * Feed the vendor's rate-limit headers back; pauses when the window is spent. Without
   * the vendor's reset time, the pause lasts until `intervalMs` after the oldest of our
   * last `cap` calls: the spent window held them all, so it has rolled by then. Pacing
   * at the cap spends each window on its last call, so that pause is short; pausing a
   * whole interval instead halved the read rate.
   */
  observe(observation: RateObservation): void {
    if (observation.remaining <= 0) this.pauseFor(observation.resetMs ?? this.untilWindowRolls());
  }

  private untilWindowRolls(): number {
    // Fewer than `cap` calls of ours: someone else spent the allowance too, so wait it out.
    if (this.starts.length < this.cap) return this.intervalMs;
    // The vendor stamped our oldest call a little after we sent it: a small margin keeps
    // the next call from landing just before the window rolls (a 429).
    const oldest = this.starts[this.nextStart] ?? 0;
    return Math.max(0, oldest + this.intervalMs + ROLL_MARGIN_MS - Date.now());
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

/** A 429 Too Many Requests: the vendor's allowance is spent. */
function throttled(error: unknown): boolean {
  return isSpocError(error) && error.status === 429;
}
