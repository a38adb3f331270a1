import type { Notice, OutgoingNotice, RunProblem } from '../notify/notice.ts';
import { StoreModule } from './store-db.ts';

/** A notice waiting in the outbox (or delivered), as the deliverer reads it. */
export interface QueuedNotice {
  id: number;
  runId: string;
  attempts: number;
  createdAt: string;
  outgoing: OutgoingNotice;
}

/** What became of a notice: `failed` only once it can never be delivered (refused for good, or too many attempts). */
export type NoticeState = 'pending' | 'sent' | 'failed';

/** One notice of a run, for the console's run page. */
export interface NoticeRow {
  key: string;
  channel: string;
  /** The person a direct message goes to (their email); null for a channel's post. */
  recipient: string | null;
  kind: Notice['kind'];
  state: NoticeState;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** A run problem currently raised: told once when it appeared, told again only when it clears. */
export interface ActiveAlert {
  problem: RunProblem;
  /** The system concerned ('' when none: a refusal, a failed run). */
  system: string;
  raisedBy: string;
  raisedAt: string;
  message: string;
}

/**
 * The outbox of notices (handovers, digests, run alerts) and the run problems raised.
 * A notice's key is unique: enqueueing it again (a re-run, a second sync with nothing
 * new) adds nothing, so each is delivered once. Notices wait `pending` until a channel
 * takes them; a failed attempt leaves them pending for the next run.
 */
export class Outbox extends StoreModule {
  /** Queues notices of `runId`, ignoring any whose key is already queued; returns how many were added. */
  enqueue(runId: string, notices: readonly OutgoingNotice[]): number {
    if (notices.length === 0) return 0;
    const insert = this.sql(
      `INSERT INTO outbox (key, run_id, channel, recipient, kind, payload, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`,
    );
    const at = this.iso();
    return this.transaction(() => {
      let added = 0;
      for (const n of notices) {
        // Vendor text (a failed run's message) may echo a credential: masked like the audit.
        const payload = this.mask(JSON.stringify({ recipient: n.recipient ?? null, notice: n.notice }));
        const result = insert.run(n.key, runId, n.channel, n.recipient?.email ?? null, n.notice.kind, payload, at);
        added += Number(result.changes);
      }
      return added;
    });
  }

  /** The channel's pending notices, oldest first. */
  pending(channel: string, limit = 1000): QueuedNotice[] {
    const rows = this.sql(
      `SELECT id, key, run_id, channel, payload, attempts, created_at FROM outbox
       WHERE state = 'pending' AND channel = ? ORDER BY id LIMIT ?`,
    ).all(channel, limit) as unknown as RawQueued[];
    return rows.map(queued);
  }

  markSent(id: number): void {
    const at = this.iso();
    this.sql(
      "UPDATE outbox SET state = 'sent', attempts = attempts + 1, attempted_at = ?, sent_at = ? WHERE id = ? AND state = 'pending'",
    ).run(at, at, id);
  }

  /** Records a failed attempt; the notice stays pending unless `permanent` (then it is never tried again). */
  markFailed(id: number, error: string, options: { permanent?: boolean } = {}): void {
    this.sql(
      `UPDATE outbox SET attempts = attempts + 1, attempted_at = ?, last_error = ?,
         state = CASE WHEN ? = 1 THEN 'failed' ELSE state END
       WHERE id = ? AND state = 'pending'`,
    ).run(this.iso(), this.mask(error), options.permanent ? 1 : 0, id);
  }

  /** How many notices are in each state (a dry run's report; the console's overview). */
  counts(): Record<NoticeState, number> {
    const counts: Record<NoticeState, number> = { pending: 0, sent: 0, failed: 0 };
    for (const r of this.sql('SELECT state, COUNT(*) AS n FROM outbox GROUP BY state').all() as {
      state: NoticeState;
      n: number;
    }[])
      counts[r.state] = Number(r.n);
    return counts;
  }

  /** The notices a run queued, in the order it queued them (the console's run page). */
  forRun(runId: string): NoticeRow[] {
    const rows = this.sql(
      `SELECT key, channel, recipient, kind, state, attempts, last_error, created_at, sent_at
       FROM outbox WHERE run_id = ? ORDER BY id`,
    ).all(runId) as unknown as RawRow[];
    return rows.map((r) => ({
      key: r.key,
      channel: r.channel,
      recipient: r.recipient,
      kind: r.kind,
      state: r.state,
      attempts: Number(r.attempts),
      lastError: r.last_error,
      createdAt: r.created_at,
      sentAt: r.sent_at,
    }));
  }

  /** The run problems currently raised. */
  activeAlerts(): ActiveAlert[] {
    return (
      this.sql(
        'SELECT problem, system, raised_by, raised_at, message FROM alerts ORDER BY problem, system',
      ).all() as unknown as RawAlert[]
    ).map((r) => ({
      problem: r.problem,
      system: r.system,
      raisedBy: r.raised_by,
      raisedAt: r.raised_at,
      message: r.message,
    }));
  }

  /**
   * Moves the alerts table to what a run found, with the notices that say so, in one
   * transaction: an alert is never marked raised (or cleared) without its notice queued.
   */
  transitionAlerts(
    runId: string,
    change: {
      raised: { problem: RunProblem; system: string; message: string }[];
      cleared: { problem: RunProblem; system: string }[];
      notices: readonly OutgoingNotice[];
    },
  ): number {
    const raise = this.sql(
      `INSERT INTO alerts (problem, system, raised_by, raised_at, message) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (problem, system) DO NOTHING`,
    );
    const clear = this.sql('DELETE FROM alerts WHERE problem = ? AND system = ?');
    const at = this.iso();
    return this.transaction(() => {
      for (const a of change.raised) raise.run(a.problem, a.system, runId, at, this.mask(a.message));
      for (const a of change.cleared) clear.run(a.problem, a.system);
      return this.enqueue(runId, change.notices);
    });
  }
}

interface RawQueued {
  id: number;
  key: string;
  run_id: string;
  channel: string;
  payload: string;
  attempts: number;
  created_at: string;
}

function queued(r: RawQueued): QueuedNotice {
  const { recipient, notice } = JSON.parse(r.payload) as {
    recipient: OutgoingNotice['recipient'] | null;
    notice: Notice;
  };
  const outgoing: OutgoingNotice = { key: r.key, channel: r.channel, notice };
  if (recipient) outgoing.recipient = recipient;
  return { id: Number(r.id), runId: r.run_id, attempts: Number(r.attempts), createdAt: r.created_at, outgoing };
}

interface RawRow {
  key: string;
  channel: string;
  recipient: string | null;
  kind: Notice['kind'];
  state: NoticeState;
  attempts: number;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
}

interface RawAlert {
  problem: RunProblem;
  system: string;
  raised_by: string;
  raised_at: string;
  message: string;
}
