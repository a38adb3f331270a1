/**
 * A child process of run-lock.race.test.ts. For each round it waits for the round's
 * start time, then does what a sync does first with that round's state file (open it,
 * record the run, give up stale runs, take the lock) at the same moment as its siblings.
 * The winner holds the lock until every sibling has been refused. Prints one line per
 * round: `ROUND ran|refused|error MESSAGE`.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { openStore } from './state-store.ts';

const [dir = '', rounds, children, start, spacing] = process.argv.slice(2);
const siblings = Number(children) - 1;

const sleep = (ms: number) => {
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

function round(path: string): string {
  try {
    const store = openStore(path, { backups: false });
    try {
      const runId = store.runs.start({ dryRun: false, full: false });
      store.runs.abandonStale();
      const lock = store.runs.acquireLock({ runId, pid: process.pid, host: hostname() });
      if (!lock.ok) {
        store.runs.finish(runId, 'refused', {}, 'another run holds the lock');
        store.runs.releaseLock(runId);
        return 'refused';
      }
      const deadline = Date.now() + 20_000;
      const refused = () => store.runs.list(100).filter((r) => r.status === 'refused').length;
      while (refused() < siblings && Date.now() < deadline) sleep(2);
      store.runs.finish(runId, 'ok', {});
      store.runs.releaseLock(runId);
      return Date.now() < deadline ? 'ran' : 'ran (a sibling never came)';
    } finally {
      store.close();
    }
  } catch (error) {
    return `error ${error instanceof Error ? error.message : String(error)}`;
  }
}

for (let r = 0; r < Number(rounds); r++) {
  // Asleep until just before the start, then a busy wait: the siblings set off within a millisecond.
  const at = Number(start) + r * Number(spacing);
  sleep(at - Date.now() - 5);
  while (Date.now() < at) {}
  process.stdout.write(`${r} ${round(join(dir, `r${r}`, 'state.db'))}\n`);
}
