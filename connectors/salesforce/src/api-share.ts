import { SpocError } from '@spoc/core/connector';

/**
 * spoc's share of the org's daily API allocation (systems.salesforce.dailyApiShare), so a
 * sync never eats the requests other integrations need.
 *
 * The rule: every response's `Sforce-Limit-Info: api-usage=USED/MAX` is remembered; a call
 * may start only while `USED + calls already in flight + 1 ≤ share × MAX`. In words: spoc
 * never sends the call that would take the org's usage, as far as spoc can see it, past its
 * share. Usage by other integrations counts too (the header is org-wide), so when they have
 * already used the share spoc makes no call at all beyond the first. Before the first
 * response of a run the usage is unknown and the first call is allowed.
 */
export class ApiShare {
  private used: number | undefined;
  private max: number | undefined;
  private inFlight = 0;
  private readonly share: number;
  private readonly maxOverride: number | undefined;

  /** `maxOverride` replaces the org's MAX (tests, or an admin who wants a smaller budget). */
  constructor(share: number, maxOverride?: number) {
    this.share = share;
    this.maxOverride = maxOverride;
  }

  /** Throws SALESFORCE_API_SHARE when this call would pass the share; else counts it in flight. */
  begin(): void {
    const max = this.maxOverride ?? this.max;
    if (this.used !== undefined && max !== undefined) {
      const budget = Math.floor(this.share * max);
      if (this.used + this.inFlight + 1 > budget) {
        throw new SpocError(
          'vendor',
          'SALESFORCE_API_SHARE',
          `Salesforce API usage is ${this.used}/${max} today; spoc stops before passing its share of ${budget} requests (systems.salesforce.dailyApiShare = ${this.share}) to leave the rest to other integrations. The next run resumes from the last page read`,
          { system: 'salesforce' },
        );
      }
    }
    this.inFlight++;
  }

  /** The call answered (or failed); `limitInfo` is its Sforce-Limit-Info header, when sent. */
  end(limitInfo: string | undefined): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const m = limitInfo ? /api-usage=(\d+)\/(\d+)/.exec(limitInfo) : null;
    if (m) {
      this.used = Number(m[1]);
      this.max = Number(m[2]);
    }
  }

  usage(): { used: number; max: number } | null {
    const max = this.maxOverride ?? this.max;
    return this.used !== undefined && max !== undefined ? { used: this.used, max } : null;
  }
}
