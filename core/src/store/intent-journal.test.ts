import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Intent } from './intent-journal.ts';
import { openStore, type StateLocation } from './state-store.ts';
import { storeBackends } from './store-testing.ts';

let path: string | StateLocation;

const intent = (recordId: string): Intent => ({
  system: 'hubspot',
  recordId,
  role: 'account_owner',
  toEmail: 'b@x.io',
  toValue: { id: '71' },
  fromEmail: recordId === '1' ? null : 'a@x.io',
});

/**
 * A real sync process killed mid-batch: it takes the lock, journals its intents and
 * dies (SIGKILL) before the vendor answers, so nothing is closed or cleaned up.
 */
function crashMidBatch(file: string | StateLocation): { runId: string; batchId: number } {
  const storeUrl = pathToFileURL(new URL('./state-store.ts', import.meta.url).pathname).href;
  const script = `
    import { writeSync } from 'node:fs';
    import { hostname } from 'node:os';
    import { openStore } from ${JSON.stringify(storeUrl)};
    const store = openStore(${JSON.stringify(file)});
    const runId = store.runs.start({ dryRun: false, full: false });
    store.runs.acquireLock({ runId, pid: process.pid, host: hostname() });
    const intents = ${JSON.stringify([intent('1'), intent('2')])};
    const batchId = store.journal.record(runId, intents);
    writeSync(1, JSON.stringify({ runId, batchId }));
    process.kill(process.pid, 'SIGKILL');
  `;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(child.signal, child.stderr).toBe('SIGKILL');
  return JSON.parse(child.stdout) as { runId: string; batchId: number };
}

describe.each(storeBackends())('the $name store', (backend) => {
  beforeEach(() => {
    path = backend.fresh();
  });

  describe('the write-intent journal', () => {
    it('leaves the intents of a run killed mid-batch pending for the next run, which settles them', () => {
      const crashed = crashMidBatch(path);

      const next = openStore(path);
      expect(next.runs.get(crashed.runId)?.status).toBe('running');
      expect(next.journal.pending().map((p) => p.recordId)).toEqual(['1', '2']);
      expect(next.runs.abandonStale()).toEqual([crashed.runId]);
      const runId = next.runs.start({ dryRun: false, full: false });
      expect(next.runs.acquireLock({ runId, pid: process.pid, host: hostname() })).toEqual({ ok: true });

      const pending = next.journal.pending();
      expect(pending).toEqual([
        { ...intent('1'), id: expect.any(Number), runId: crashed.runId },
        { ...intent('2'), id: expect.any(Number), runId: crashed.runId },
      ]);
      // The vendor turned out to hold record 1's target (the write landed) but not record 2's.
      next.journal.resolve([pending[0]?.id ?? -1], 'confirmed');
      next.journal.resolve([pending[1]?.id ?? -1], 'superseded');
      expect(next.journal.pending()).toEqual([]);
      // A late answer for the settled batch changes nothing.
      next.journal.settle(crashed.batchId, [{ recordId: '2', role: 'account_owner', ok: true }]);
      expect(next.journal.pending()).toEqual([]);
      next.close();
    });

    it('does not list a batch whose results were recorded, whatever they were', () => {
      const store = openStore(path);
      const run = store.runs.start({ dryRun: false, full: false });
      const batch = store.journal.record(run, [intent('1'), intent('2'), intent('3')]);
      store.journal.settle(batch, [
        { recordId: '1', role: 'account_owner', ok: true },
        { recordId: '2', role: 'account_owner', ok: false, error: { code: 'X', kind: 'record', message: 'no' } },
        // record 3: the vendor said nothing, which spoc counts as failed
      ]);
      store.runs.finish(run, 'partial', {});
      expect(store.journal.pending()).toEqual([]);
      store.close();
    });

    it('does not list the open batch of a run that is still running, only once it has stopped', () => {
      const store = openStore(path);
      const run = store.runs.start({ dryRun: false, full: false });
      store.runs.acquireLock({ runId: run, pid: process.pid, host: hostname() });
      store.journal.record(run, [intent('1')]);
      // A second process looks while this run is still alive (its store open, the lock held).
      const other = openStore(path);
      expect(other.journal.pending()).toEqual([]);
      store.runs.finish(run, 'failed', {}, 'journal write failed');
      store.runs.releaseLock(run);
      store.close();
      expect(other.journal.pending()).toEqual([{ ...intent('1'), id: expect.any(Number), runId: run }]);
      other.close();
    });

    it('keeps batches apart: results of one batch never settle another with the same records', () => {
      const store = openStore(path);
      const run = store.runs.start({ dryRun: false, full: false });
      const first = store.journal.record(run, [intent('1')]);
      expect(store.journal.record(run, [])).toBe(0);
      const second = store.journal.record(run, [{ ...intent('1'), toEmail: 'c@x.io', toValue: { id: '72' } }]);
      expect(second).not.toBe(first);
      store.journal.settle(first, [{ recordId: '1', role: 'account_owner', ok: true }]);
      store.journal.settle(0, []);
      store.runs.finish(run, 'failed', {});
      expect(store.journal.pending()).toEqual([
        { ...intent('1'), toEmail: 'c@x.io', toValue: { id: '72' }, id: expect.any(Number), runId: run },
      ]);
      store.close();
    });
  });
});
