import type { CascadeKind, OwnerValue, SystemId, WriteResult } from '../domain/types.ts';
import { type StoreDb, StoreModule } from './store-db.ts';

export interface Intent {
  system: SystemId;
  recordId: string;
  role: string;
  toEmail: string;
  toValue: OwnerValue;
  fromEmail: string | null;
  /** Cascades this write asks for once it lands, journaled with it. */
  cascades?: { kind: CascadeKind; fromId: string | null; toId: string }[];
}

export interface PendingIntent extends Intent {
  id: number;
  runId: string;
}

/** A journaled cascade not yet carried out, with the outcome of the owner write that asks for it. */
export interface OpenCascade {
  id: number;
  runId: string;
  system: SystemId;
  recordId: string;
  role: string;
  kind: CascadeKind;
  fromId: string | null;
  toId: string;
  /** The owner write's outcome: null while unknown (sent, not confirmed). */
  ownerOutcome: 'written' | 'confirmed' | 'failed' | 'superseded' | null;
}

/**
 * The write-intent journal: every write is recorded before it is sent and settled after,
 * with the cascades it asks for, so a run killed in between is finished (or safely
 * redone) by the next one.
 */
export class IntentJournal extends StoreModule {
  private readonly liveRunIds: () => Set<string>;

  constructor(store: StoreDb, liveRunIds: () => Set<string>) {
    super(store);
    this.liveRunIds = liveRunIds;
  }

  /**
   * Records the writes about to be sent, durably, before they are sent; returns the
   * batch id to attach their results to.
   */
  record(runId: string, intents: Intent[]): number {
    // Batch 0 holds nothing, so an empty batch can never share an id with a real one.
    if (intents.length === 0) return 0;
    return this.transaction(() => {
      const next = this.sql('SELECT COALESCE(MAX(batch_id), 0) + 1 AS id FROM intents').get() as { id: number };
      const insert = this.sql(
        'INSERT INTO intents (batch_id, run_id, system, record_id, role, to_email, to_value, from_email) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id',
      );
      const cascade = this.sql('INSERT INTO cascade_intents (intent_id, kind, from_id, to_id) VALUES (?, ?, ?, ?)');
      for (const i of intents) {
        const row = insert.get(
          next.id,
          runId,
          i.system,
          i.recordId,
          i.role,
          i.toEmail,
          JSON.stringify(i.toValue),
          i.fromEmail,
        ) as { id: number };
        for (const c of i.cascades ?? []) cascade.run(row.id, c.kind, c.fromId, c.toId);
      }
      return next.id;
    });
  }

  /** Settles a batch with the vendor's answers; an intent it gave no answer for counts as failed. */
  settle(batchId: number, results: WriteResult[]): void {
    const update = this.sql(
      'UPDATE intents SET outcome = ? WHERE batch_id = ? AND record_id = ? AND role = ? AND outcome IS NULL',
    );
    this.transaction(() => {
      for (const r of results) update.run(r.ok ? 'written' : 'failed', batchId, r.recordId, r.role);
      this.sql("UPDATE intents SET outcome = 'failed' WHERE batch_id = ? AND outcome IS NULL").run(batchId);
    });
  }

  /**
   * Intents sent (or about to be) by a run that is no longer running (it finished
   * without their results, or its process died) and never settled: each may or may
   * not have reached the vendor. Oldest first. A live run's open batch is not listed.
   */
  pending(): PendingIntent[] {
    const live = this.liveRunIds();
    const rows = this.sql('SELECT * FROM intents WHERE outcome IS NULL ORDER BY id').all() as {
      id: number;
      run_id: string;
      system: SystemId;
      record_id: string;
      role: string;
      to_email: string;
      to_value: string;
      from_email: string | null;
    }[];
    return rows
      .filter((r) => !live.has(r.run_id))
      .map((r) => ({
        id: r.id,
        runId: r.run_id,
        system: r.system,
        recordId: r.record_id,
        role: r.role,
        toEmail: r.to_email,
        toValue: JSON.parse(r.to_value) as OwnerValue,
        fromEmail: r.from_email,
      }));
  }

  /**
   * Settles pending intents after checking them against fresh vendor data: `confirmed`
   * (the vendor holds the intended value) or `superseded` (it does not; the plan redoes it).
   */
  resolve(ids: number[], outcome: 'confirmed' | 'superseded'): void {
    const update = this.sql('UPDATE intents SET outcome = ? WHERE id = ? AND outcome IS NULL');
    this.transaction(() => {
      for (const id of ids) update.run(outcome, id);
    });
  }

  /**
   * Journaled cascades not carried out yet: those of `runId` (this run's), and those of
   * runs no longer running (stopped between an owner write and its cascade). Oldest first.
   */
  openCascades(runId?: string): OpenCascade[] {
    const live = this.liveRunIds();
    const rows = this.sql(
      `SELECT c.id, i.run_id AS "runId", i.system, i.record_id AS "recordId", i.role, c.kind, c.from_id AS "fromId",
              c.to_id AS "toId", i.outcome AS "ownerOutcome"
       FROM cascade_intents c JOIN intents i ON i.id = c.intent_id
       WHERE c.outcome IS NULL ORDER BY c.id`,
    ).all() as unknown as OpenCascade[];
    return rows.filter((r) => r.runId === runId || !live.has(r.runId));
  }

  /** `done` (carried out, whatever each record's result) or `cancelled` (its owner write did not land). */
  settleCascades(ids: number[], outcome: 'done' | 'cancelled'): void {
    const update = this.sql('UPDATE cascade_intents SET outcome = ? WHERE id = ? AND outcome IS NULL');
    this.transaction(() => {
      for (const id of ids) update.run(outcome, id);
    });
  }
}
