import type { Baseline, BaselineEntry, SystemId } from '../domain/types.ts';
import { baselineKey } from '../domain/types.ts';
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
    return {
      get: (key) => {
        const [system, recordId, role] = key.split('\u0000');
        const row = select.get(system ?? '', recordId ?? '', role ?? '') as RawBaseline | undefined;
        return row ? baselineEntry(row) : undefined;
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
    const upsert = this.sql(
      `INSERT INTO baselines (system, record_id, role, value, at, stand_in, decided) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (system, record_id, role) DO UPDATE SET value = excluded.value, at = excluded.at,
         stand_in = excluded.stand_in, decided = excluded.decided`,
    );
    this.transaction(() => {
      for (const e of entries)
        upsert.run(e.system, e.recordId, e.role, e.value, e.at, e.standIn ? 1 : 0, e.decided ?? null);
    });
  }
}

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
