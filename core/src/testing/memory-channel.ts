import { type NoticeChannel, NoticeDeliveryError, type OutgoingNotice } from '../notify/notice.ts';

/**
 * A notice channel in memory, for tests: it keeps what it was handed, and fails when
 * told to (the next N deliveries, or every one while `down`), as a service refusing or
 * asking to come back later would.
 */
export class MemoryChannel implements NoticeChannel {
  readonly name: string;
  /** Every notice delivered, in order. */
  readonly delivered: OutgoingNotice[] = [];
  /** Deliveries attempted, failed ones included. */
  attempts = 0;
  /** While set, every delivery fails with this error. */
  down: NoticeDeliveryError | Error | null = null;
  private failNext = 0;
  private failWith: NoticeDeliveryError | Error | null = null;

  constructor(name: string) {
    this.name = name;
  }

  /** The next `count` deliveries fail with `error` (default: a 503 without Retry-After). */
  fail(count: number, error: NoticeDeliveryError | Error = new NoticeDeliveryError('service unavailable (503)')): void {
    this.failNext = count;
    this.failWith = error;
  }

  async deliver(notice: OutgoingNotice): Promise<void> {
    this.attempts++;
    if (this.down) throw this.down;
    if (this.failNext > 0 && this.failWith) {
      this.failNext--;
      throw this.failWith;
    }
    this.delivered.push(structuredClone(notice));
  }

  /** The keys delivered, in order. */
  keys(): string[] {
    return this.delivered.map((n) => n.key);
  }
}
