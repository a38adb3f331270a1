/** Salesforce's daily API allocation: every REST call counts; over it → 403 REQUEST_LIMIT_EXCEEDED. */
export const DEFAULT_DAILY_API_REQUESTS = 100_000;
const DAY_MS = 86_400_000;

export class ApiUsage {
  readonly max: number;
  private used = 0;
  private windowStart: number | undefined;
  private readonly now: () => number;

  constructor(max: number, now: () => number) {
    this.max = max;
    this.now = now;
  }

  /** Counts one request; false when the allocation is spent (the refused request is not counted). */
  take(): boolean {
    this.roll();
    if (this.used >= this.max) return false;
    this.used++;
    return true;
  }

  remaining(): number {
    this.roll();
    return Math.max(0, this.max - this.used);
  }

  /** Sforce-Limit-Info header value. */
  header(): string {
    return `api-usage=${this.used}/${this.max}`;
  }

  reset(): void {
    this.used = 0;
    this.windowStart = undefined;
  }

  /** A rolling 24-hour window from the first counted call (the sandbox clock can jump past it). */
  private roll(): void {
    const now = this.now();
    if (this.windowStart === undefined || now - this.windowStart >= DAY_MS) {
      this.windowStart = now;
      this.used = 0;
    }
  }
}
