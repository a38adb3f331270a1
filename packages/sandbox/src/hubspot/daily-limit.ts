/** Requests a private app may make per day on the emulated (Enterprise) portal. */
export const DEFAULT_DAILY_LIMIT = 1_000_000;

/**
 * HubSpot's daily request allowance. It resets at midnight (the portal's time zone;
 * here UTC of the sandbox clock, so a clock jump past midnight resets it too).
 */
export class DailyLimit {
  readonly limit: number;
  private used = 0;
  private day = -1;
  private readonly now: () => number;

  constructor(limit: number, now: () => number) {
    this.limit = limit;
    this.now = now;
  }

  /** Counts one request; false when the day's allowance was already spent. */
  take(): boolean {
    this.roll();
    if (this.used >= this.limit) return false;
    this.used++;
    return true;
  }

  get remaining(): number {
    this.roll();
    return Math.max(0, this.limit - this.used);
  }

  reset(): void {
    this.used = 0;
  }

  private roll(): void {
    const day = Math.floor(this.now() / 86_400_000);
    if (day !== this.day) {
      this.day = day;
      this.used = 0;
    }
  }
}
