import type { Baseline, BaselineEntry, SystemId } from '../domain/types.ts';
import { baselineKey } from '../domain/types.ts';
import type { SqlValue } from './sql-db.ts';
import { StoreModule } from './store-db.ts';

/** What spoc last saw agreed or wrote, per (system, record, role): the memory the planner merges against. */
export class Baselines extends StoreModule {
  /**
   * The baseline, looked up entry by entry (by baselineKey) instead of loaded: 100,000
   * accounts hold ~600,000 entries, several hundred MB as objects, and a run reads each
   * entry once or twice (an indexed lookup is a few microseconds).
   */
  lookup(): Baseline {
    const select = this.sql(
      'SELECT system, record_id, role, value, at, stand_in, decided FROM baselines WHERE system = ? AND record_id = ? AND role = ?',
    );
    const selectMany = this.sql(
      `SELECT system, record_id, role, value, at, stand_in, decided FROM baselines
       WHERE system = ? AND record_id IN (${this.dialect.jsonTextList})`,
    );
    // Rows as arrays: a chunk is thousands of rows, and an object per row costs more than the read.
    selectMany.setReturnArrays(true);
    // The entries of the records last prefetched (one chunk of the plan), and those records.
    let fetched = new Map<string, BaselineEntry>();
    let prefetched = new Set<string>();
    return {
      get: (key) => {
        const hit = fetched.get(key);
        if (hit) return hit;
        const [system = '', recordId = '', role = ''] = key.split('\u0000');
        if (prefetched.has(`${system}\u0000${recordId}`)) return undefined;
        const row = select.get(system, recordId, role) as RawBaseline | undefined;
        return row ? baselineEntry(row) : undefined;
      },
      prefetch: (records) => {
        fetched = new Map();
        prefetched = new Set();
        const bySystem = new Map<SystemId, string[]>();
        for (const r of records) {
          prefetched.add(`${r.system}\u0000${r.recordId}`);
          const ids = bySystem.get(r.system);
          if (ids) ids.push(r.recordId);
          else bySystem.set(r.system, [r.recordId]);
        }
        for (const [system, ids] of bySystem)
          for (const row of selectMany.iterate(system, JSON.stringify(ids)) as Iterable<RawBaselineArray>) {
            const [, recordId, role, value, at, standIn, decided] = row;
            const entry: BaselineEntry = { system, recordId, role, value, at };
            if (standIn === 1) entry.standIn = true;
            if (decided !== null) entry.decided = decided;
            fetched.set(baselineKey(system, recordId, role), entry);
          }
      },
    };
  }

  /** Every baseline entry (tests and small tools; a run uses baselineLookup). */
  load(): Map<string, BaselineEntry> {
    const rows = this.sql('SELECT system, record_id, role, value, at, stand_in, decided FROM baselines').all();
    return new Map((rows as unknown as RawBaseline[]).map(keyedBaselineEntry));
  }

  /** The baseline entries (every role) of a few records, e.g. to preview one account's plan. */
  of(records: { system: SystemId; recordId: string }[]): Map<string, BaselineEntry> {
    const select = this.sql(
      'SELECT system, record_id, role, value, at, stand_in, decided FROM baselines WHERE system = ? AND record_id = ?',
    );
    return new Map(
      records.flatMap((r) => (select.all(r.system, r.recordId) as unknown as RawBaseline[]).map(keyedBaselineEntry)),
    );
  }

  upsert(entries: Iterable<BaselineEntry>): void {
    const upsert = `INSERT INTO baselines (system, record_id, role, value, at, stand_in, decided) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (system, record_id, role) DO UPDATE SET value = excluded.value, at = excluded.at,
         stand_in = excluded.stand_in, decided = excluded.decided`;
    function* rows(): Iterable<SqlValue[]> {
      for (const e of entries)
        yield [e.system, e.recordId, e.role, e.value, e.at, e.standIn ? 1 : 0, e.decided ?? null];
    }
    this.transaction(() => this.insertAll(upsert, rows()));
  }
}

/** A baseline row with setReturnArrays: the columns of RawBaseline, in its order. */
type RawBaselineArray = [SystemId, string, string, string | null, string, number, string | null];

interface RawBaseline {
  system: SystemId;
  record_id: string;
  role: string;
  value: string | null;
  at: string;
  stand_in: number;
  decided: string | null;
}

function baselineEntry(r: RawBaseline): BaselineEntry {
  const entry: BaselineEntry = { system: r.system, recordId: r.record_id, role: r.role, value: r.value, at: r.at };
  if (r.stand_in === 1) entry.standIn = true;
  if (r.decided !== null) entry.decided = r.decided;
  return entry;
}

function keyedBaselineEntry(r: RawBaseline): [string, BaselineEntry] {
  return [baselineKey(r.system, r.record_id, r.role), baselineEntry(r)];
}
