const DAY_MS = 86_400_000;

/**
 * The company's daily token budget: each request spends its endpoint's cost, and once
 * the day's tokens are spent requests are refused until midnight UTC of the sandbox
 * clock (https://pipedrive.readme.io/docs/core-api-concepts-rate-limiting: "resets at
 * the start of the next day"). A refused request spends nothing.
 */
export class TokenBudget {
  readonly limit: number;
  private spent = 0;
  private day: number | undefined;
  private readonly now: () => number;

  constructor(limit: number, now: () => number) {
    this.limit = limit;
    this.now = now;
  }

  take(cost: number): boolean {
    this.roll();
    if (this.spent + cost > this.limit) return false;
    this.spent += cost;
    return true;
  }

  get remaining(): number {
    this.roll();
    return Math.max(0, this.limit - this.spent);
  }

  /** Seconds until the budget resets. */
  get resetSeconds(): number {
    const now = this.now();
    return Math.ceil(((Math.floor(now / DAY_MS) + 1) * DAY_MS - now) / 1000);
  }

  reset(): void {
    this.spent = 0;
    this.day = undefined;
  }

  private roll(): void {
    const day = Math.floor(this.now() / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.spent = 0;
    }
  }
}

/**
 * Token cost of one request. Pipedrive publishes a cost per endpoint, lower for v2 than
 * for v1 (https://pipedrive.readme.io/docs/guide-for-optimizing-api-usage); these are the
 * sandbox's defaults in that spirit (unverified figures): v1 list 20, v1 single 2, v2
 * list 10, v2 single 1, an update 10 on v1 and 5 on v2.
 */
export function tokenCost(method: string, path: string): number {
  const v2 = path.startsWith('/api/v2/');
  if (method !== 'GET') return v2 ? 5 : 10;
  const single = /\/\d+$/.test(path) || path.endsWith('/me');
  if (single) return v2 ? 1 : 2;
  return v2 ? 10 : 20;
}
