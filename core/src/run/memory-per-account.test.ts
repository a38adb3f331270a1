import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Issue 22's regression guard: a run's memory is proportional to the book at worst, never
// more, and a process keeps nothing of a run once it ends (the scheduler's and the
// console's processes live for months). Measured in a child process with --expose-gc:
// three syncs (full, incremental over the whole book, incremental after 1% changed) of a
// small book and of one ten times larger.
const PROBE = fileURLToPath(new URL('../../test/memory-probe.ts', import.meta.url));

interface Probe {
  accounts: number;
  full: { before: number; peak: number };
  incremental: { before: number; peak: number };
  touched: { before: number; peak: number; written: number };
  after: number;
}

function probe(accounts: number): Probe {
  const out = execFileSync(process.execPath, ['--expose-gc', PROBE, String(accounts)], { encoding: 'utf8' });
  return JSON.parse(out) as Probe;
}

describe('memory per account', () => {
  it('stays under a bound as the book grows ×10, and nothing of a run outlives it', () => {
    const small = probe(2_000);
    const large = probe(20_000);
    for (const run of ['full', 'incremental'] as const) {
      const grew = (p: Probe) => p[run].peak - p[run].before;
      // Live heap about 320 (full) and 490 (incremental) bytes an account today (3 systems × 1
      // role, a real SQLite store, vendor pages of 500). Holding every decision again, instead of
      // keeping them in the store as planned, gives about 1,020 and 1,210.
      expect(grew(large) / large.accounts, `${run}: bytes per account at 20,000`).toBeLessThan(900);
      // Ten times the book, at most ten times the memory (with 20% slack for the GC's timing).
      expect(grew(large), `${run}: growth from 2,000 to 20,000 accounts`).toBeLessThan(grew(small) * 10 * 1.2);
    }
    // An incremental run after 1% changed decides only those accounts and never loads the
    // mirror: its live heap is a small share of a whole-book run's (about 60 bytes an account today).
    const touched = (p: Probe) => p.touched.peak - p.touched.before;
    expect(large.touched.written).toBe((large.accounts / 100) * 2);
    expect(touched(large) / large.accounts, 'touched: bytes per book account at 20,000').toBeLessThan(250);
    // What the process still holds after the runs: under 300 bytes an account (about 85 today).
    expect((large.after - large.full.before) / large.accounts).toBeLessThan(300);
  }, 60_000);
});
