import type { AccountDecision } from '../domain/types.ts';
import { StoreModule } from './store-db.ts';

/** Decisions read back at a time: one chunk of the record phase. */
const PAGE = 1_000;

/**
 * The decisions of the plan a sync is carrying out, one per account, kept here as each
 * part of the book is planned, so that a run over a million accounts holds a page of them
 * at a time, not all (the record phase walks them several times). Scratch: only the run
 * holding the lock writes it, and it is emptied when a plan starts and once recorded.
 */
export class PlanDecisions extends StoreModule {
  clear(): void {
    this.sql('DELETE FROM plan_decisions').run();
  }

  add(decisions: readonly AccountDecision[]): void {
    this.transaction(() =>
      this.insertAll(
        'INSERT INTO plan_decisions (account, decision) VALUES (?, ?)',
        decisions.map((d) => [d.account, JSON.stringify(d)]),
      ),
    );
  }

  /** Every decision kept, in account order, read a page at a time each time it is walked. */
  all(): Iterable<AccountDecision> {
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
