import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Connector, ReadQuery } from '../domain/connector.ts';
import type { SystemId } from '../domain/types.ts';
import { openStore } from '../store/state-store.ts';
import { readSystem } from './read-phase.ts';

/** A connector that only answers reads, and remembers the cursor each read was asked from. */
function reader(system: SystemId): Connector & { asked: (string | null)[] } {
  const asked: (string | null)[] = [];
  return {
    system,
    asked,
    check: async () => ({ ok: true, problems: [] }) as never,
    async *listPeople() {
      yield [];
    },
    async *readAccounts(query: ReadQuery) {
      asked.push(query.since);
      yield { records: [], cursor: 'after' };
    },
    writeAssignments: async () => [],
    stats: () => ({ calls: 0, retries: 0, throttled: 0 }),
  };
}

describe('what a run reads', () => {
  it('reads in full a system whose writes a stopped run left unsettled, the others from their cursor', async () => {
    const now = new Date('2026-12-03T10:00:00.000Z');
    const store = openStore(':memory:', { now: () => now });
    for (const system of ['crm', 'desk']) {
      store.mirror.setCursor(system, 'accounts', 'before');
      store.mirror.setCursor(system, 'full-read', now.toISOString());
    }
    const read = async (system: SystemId) => {
      const connector = reader(system);
      await readSystem(connector, store, { full: false, now, peopleRefreshMs: 0, logger: pino({ level: 'silent' }) });
      return connector.asked;
    };
    expect(await read('crm')).toEqual(['before']);

    // A run sent a CRM batch and stopped before the vendor's answer was recorded.
    const stopped = store.runs.start({ dryRun: false, full: false });
    store.journal.record(stopped, [
      { system: 'crm', recordId: '1', role: 'owner', toEmail: 'b@x.io', toValue: { id: '7' }, fromEmail: null },
    ]);
    store.runs.finish(stopped, 'failed', {}, 'the state store went away');

    expect(await read('crm')).toEqual([null]);
    expect(await read('desk')).toEqual(['before']);
    // Once settled (the next run confirms or redoes them), the cursor is used again.
    store.journal.resolve(
      store.journal.pending().map((p) => p.id),
      'confirmed',
    );
    expect(await read('crm')).toEqual(['before']);
    store.close();
  });
});
