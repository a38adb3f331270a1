/**
 * Spaces calls per key (a Slack conversation) at least `intervalMs` apart, in the order
 * they asked: chat.postMessage allows about one message a second per channel
 * (https://docs.slack.dev/reference/methods/chat.postMessage#rate-limiting). A key can
 * also be held back (after a 429) until a given time.
 */
export class Pacer {
  private readonly next = new Map<string, number>();
  private readonly intervalMs: number;

  constructor(intervalMs: number) {
    this.intervalMs = intervalMs;
  }

  /** Resolves when `key` may be used; reserves the slot after it. */
  async wait(key: string): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.next.get(key) ?? 0);
    this.next.set(key, at + this.intervalMs);
    if (at > now) await sleep(at - now);
  }

  /** Nothing for `key` before `untilMs` (epoch ms). */
  holdUntil(key: string, untilMs: number): void {
    this.next.set(key, Math.max(this.next.get(key) ?? 0, untilMs));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
