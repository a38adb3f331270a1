import type { AccountDecision } from '../domain/types.ts';
import { idsByRef } from './mirror.ts';
import { StoreModule } from './store-db.ts';

/** Decisions read back at a time: one chunk of the record phase. */
const PAGE = 1_000;

/**
 * What a sync planning the whole book a part at a time keeps here instead of in memory, so a
 * run over a million accounts holds a part of them at a time: the records already in a planned
 * part (the walk of the mirror skips them: `Mirror.pages`), and the decisions of every part,
 * which the record phase walks a page at a time, several times. Scratch: only the run holding
 * the lock writes it; emptied when a plan starts and once the run is recorded.
 */
export class PlanScratch extends StoreModule {
  clear(): void {
    this.store.db.exec('DELETE FROM plan_decisions; DELETE FROM planned_records;');
  }

  /** Records (refs) now in a planned part. */
  markPlanned(refs: Iterable<string>): void {
    const rows = [...idsByRef(refs)].flatMap(([system, ids]) => ids.map((id) => [system, id]));
    this.transaction(() =>
      this.insertAll('INSERT INTO planned_records (system, record_id) VALUES (?, ?) ON CONFLICT DO NOTHING', rows),
    );
  }

  keepDecisions(decisions: readonly AccountDecision[]): void {
    this.transaction(() =>
      this.insertAll(
        'INSERT INTO plan_decisions (account, decision) VALUES (?, ?)',
        decisions.map((d) => [d.account, JSON.stringify(d)]),
      ),
    );
  }

  /** Every decision kept, in account order, read a page at a time each time it is walked. */
  decisions(): Iterable<AccountDecision> {
    const page = this.sql(
      `SELECT account, decision FROM plan_decisions WHERE account > ? ORDER BY account LIMIT ${PAGE}`,
    );
    return {
      *[Symbol.iterator]() {
        let after = '';
        for (;;) {
          const rows = page.all(after) as { account: string; decision: string }[];
          for (const row of rows) yield JSON.parse(row.decision) as AccountDecision;
          const last = rows.at(-1);
          if (!last || rows.length < PAGE) return;
          after = last.account;
        }
      },
    };
  }
}
