import type { Logger } from 'pino';
import type { StateStore } from '../store/state-store.ts';
import { type NoticeChannel, NoticeDeliveryError } from './notice.ts';

export interface DeliveryOptions {
  /** A notice tried this many times without success is given up (state failed). Default 20. */
  maxAttempts?: number;
  /** After this many failures in a row a channel gets nothing more this run (the service is down). Default 3. */
  maxConsecutiveFailures?: number;
  /** Stops between notices: the rest wait for the next run. */
  signal?: AbortSignal;
}

export interface DeliveryResult {
  sent: number;
  /** Attempts that failed this time (their notices stay pending unless given up). */
  failed: number;
  /** Notices still waiting afterwards, every channel counted. */
  pending: number;
}

/**
 * Delivers the outbox: every pending notice of each channel, oldest first (this run's
 * and those earlier runs could not deliver), each marked sent once its channel took it.
 * A failure is recorded and the notice left for the next run; a channel that says when
 * to come back (`retryAfterMs`), or fails several times in a row, gets nothing more this
 * run. Never throws: notices are told after the owners are written, and a channel that
 * is down never changes how the run went. Delivery is at least once: a process killed
 * between a channel taking a notice and its mark sends it again (the key travels with it).
 */
export async function deliverNotices(
  store: StateStore,
  channels: readonly NoticeChannel[],
  logger: Logger,
  options: DeliveryOptions = {},
): Promise<DeliveryResult> {
  const maxAttempts = options.maxAttempts ?? 20;
  const maxConsecutive = options.maxConsecutiveFailures ?? 3;
  let sent = 0;
  let failed = 0;
  for (const channel of channels) {
    let inARow = 0;
    try {
      for (const queued of store.outbox.pending(channel.name)) {
        if (options.signal?.aborted) break;
        try {
          await channel.deliver(queued.outgoing);
          store.outbox.markSent(queued.id);
          sent++;
          inARow = 0;
        } catch (error) {
          failed++;
          inARow++;
          const refused = error instanceof NoticeDeliveryError ? error : undefined;
          const message = error instanceof Error ? error.message : String(error);
          const givenUp = refused?.permanent === true || queued.attempts + 1 >= maxAttempts;
          store.outbox.markFailed(queued.id, message, { permanent: givenUp });
          logger.warn(
            { channel: channel.name, key: queued.outgoing.key, attempts: queued.attempts + 1, err: message },
            givenUp ? 'notice given up' : 'notice not delivered; the next run tries again',
          );
          if (refused?.retryAfterMs !== undefined || inARow >= maxConsecutive) {
            logger.warn(
              { channel: channel.name, retryAfterMs: refused?.retryAfterMs },
              'channel paused until the next run',
            );
            break;
          }
        }
      }
    } catch (error) {
      // The store itself failed (a locked or full disk): the run's outcome stands, notices wait.
      logger.error({ channel: channel.name, err: (error as Error).message }, 'notice delivery stopped');
    }
  }
  let pending = 0;
  try {
    pending = store.outbox.counts().pending;
  } catch {
    // counted as none: the report still leaves
  }
  return { sent, failed, pending };
}
