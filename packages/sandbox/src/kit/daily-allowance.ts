const DAY_MS = 86_400_000;

/**
 * A vendor's daily request allowance: each counted request takes one, and once the day's
 * are spent requests are refused until the day turns. `day` says when it does: at
 * midnight UTC of the sandbox clock ('calendar', HubSpot: the portal's time zone on the
 * real thing), or 24 hours after the first request counted ('rolling', Salesforce). Both
 * follow the sandbox clock, so a clock jump past the day starts a new one.
 */
export class DailyAllowance {
  readonly limit: number;
  private counted = 0;
  /** When the current day began; undefined before the first request. */
  private start: number | undefined;
  private readonly now: () => number;
  private readonly day: 'calendar' | 'rolling';

  constructor(limit: number, now: () => number, day: 'calendar' | 'rolling') {
    this.limit = limit;
    this.now = now;
    this.day = day;
  }

  /** Counts one request; false when the day's allowance was already spent (the refused request is not counted). */
  take(): boolean {
    this.roll();
    if (this.counted >= this.limit) return false;
    this.counted++;
    return true;
  }

  /** Requests counted in the current day. */
  get used(): number {
    return this.counted;
  }

  get remaining(): number {
    this.roll();
    return Math.max(0, this.limit - this.counted);
  }

  reset(): void {
    this.counted = 0;
    this.start = undefined;
  }

  private roll(): void {
    const now = this.now();
    const start = this.day === 'calendar' ? Math.floor(now / DAY_MS) * DAY_MS : now;
    const over =
      this.start === undefined || (this.day === 'calendar' ? start !== this.start : now - this.start >= DAY_MS);
    if (over) {
      this.start = start;
      this.counted = 0;
    }
  }
}
