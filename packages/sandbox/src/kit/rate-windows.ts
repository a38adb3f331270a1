import type { RateBucket, RateState } from './types.ts';

/**
 * The vendors' documented limits as fixed windows per bucket (HubSpot's rolling 10 s
 * window behaves close enough for a client that paces itself). `timeScale` shrinks
 * every window so benchmarks can exercise the limits in minutes.
 */
export class RateWindows {
  private readonly state = new Map<string, { start: number; used: number }>();
  private readonly buckets: Record<string, RateBucket>;
  private readonly timeScale: number;
  private readonly now: () => number;
  private enabled = true;

  constructor(buckets: Record<string, RateBucket>, timeScale: number, now: () => number) {
    this.buckets = buckets;
    this.timeScale = timeScale;
    this.now = now;
  }

  disable(): void {
    this.enabled = false;
  }

  /** Counts one request; `remaining` < 0 means over the limit. undefined = unlimited bucket. */
  take(name: string): RateState | undefined {
    const bucket = this.buckets[name];
    if (!bucket || !this.enabled) return undefined;
    const windowMs = Math.max(1, Math.round(bucket.windowMs * this.timeScale));
    const now = this.now();
    let window = this.state.get(name);
    if (!window || now - window.start >= windowMs) {
      window = { start: now, used: 0 };
      this.state.set(name, window);
    }
    window.used++;
    return {
      bucket: name,
      cap: bucket.cap,
      remaining: bucket.cap - window.used,
      windowMs,
      resetMs: Math.max(0, window.start + windowMs - now),
    };
  }

  reset(): void {
    this.state.clear();
  }
}
