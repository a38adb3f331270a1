import { beforeEach, describe, expect, it } from 'vitest';
import type { OutgoingNotice } from '../notify/notice.ts';
import { openStore, type StateLocation } from './state-store.ts';
import { storeBackends } from './store-testing.ts';

const alert = (key: string, channel = 'ops'): OutgoingNotice => ({
  key,
  channel,
  notice: { kind: 'run', problem: 'refused', state: 'raised', runId: 'r', message: 'refused' },
});

let fresh: () => string | StateLocation = () => ':memory:';

function store() {
  const s = openStore(fresh(), { mask: (t) => t.replaceAll('s3cret', '[redacted]') });
  const run = () => s.runs.start({ dryRun: false, full: false });
  return { s, run };
}

describe.each(storeBackends())('the $name store', (backend) => {
  beforeEach(() => {
    fresh = backend.fresh;
  });

  describe('the outbox', () => {
    it('queues a key once, whatever run queues it again', () => {
      const { s, run } = store();
      const first = run();
      expect(s.outbox.enqueue(first, [alert('a'), alert('b'), alert('a')])).toBe(2);
      expect(s.outbox.enqueue(run(), [alert('b'), alert('c')])).toBe(1);
      expect(s.outbox.pending('ops').map((n) => n.outgoing.key)).toEqual(['a', 'b', 'c']);
      expect(s.outbox.forRun(first).map((n) => [n.key, n.kind, n.state])).toEqual([
        ['a', 'run', 'pending'],
        ['b', 'run', 'pending'],
      ]);
    });

    it('hands out a channel pending notices oldest first, with the direct message recipient', () => {
      const { s, run } = store();
      const r = run();
      s.outbox.enqueue(r, [
        alert('x', 'sales'),
        { ...alert('dm', 'sales'), recipient: { email: 'anna@acme.test', name: 'Anna' } },
        alert('y', 'ops'),
      ]);
      const sales = s.outbox.pending('sales');
      expect(sales.map((n) => [n.outgoing.key, n.outgoing.recipient?.email])).toEqual([
        ['x', undefined],
        ['dm', 'anna@acme.test'],
      ]);
      expect(sales[1]?.outgoing).toEqual({
        key: 'dm',
        channel: 'sales',
        recipient: { email: 'anna@acme.test', name: 'Anna' },
        notice: alert('dm').notice,
      });
      expect(s.outbox.forRun(r).find((n) => n.key === 'dm')?.recipient).toBe('anna@acme.test');
    });

    it('keeps a failed notice pending with its attempts and masked error; sent or failed for good leaves the queue', () => {
      const { s, run } = store();
      const r = run();
      s.outbox.enqueue(r, [alert('a'), alert('b'), alert('c')]);
      const [a, b, c] = s.outbox.pending('ops');
      s.outbox.markFailed(a?.id ?? 0, 'slack said 500 for token s3cret');
      s.outbox.markSent(b?.id ?? 0);
      s.outbox.markFailed(c?.id ?? 0, 'channel_not_found', { permanent: true });
      expect(s.outbox.pending('ops').map((n) => [n.outgoing.key, n.attempts])).toEqual([['a', 1]]);
      expect(s.outbox.forRun(r).map((n) => [n.key, n.state, n.attempts, n.lastError])).toEqual([
        ['a', 'pending', 1, 'slack said 500 for token [redacted]'],
        ['b', 'sent', 1, null],
        ['c', 'failed', 1, 'channel_not_found'],
      ]);
      expect(s.outbox.counts()).toEqual({ pending: 1, sent: 1, failed: 1 });
      // Marking a sent notice again changes nothing.
      s.outbox.markFailed(b?.id ?? 0, 'late');
      expect(s.outbox.forRun(r)[1]).toMatchObject({ state: 'sent', lastError: null });
    });

    it('raises and clears alerts with their notices in one step', () => {
      const { s, run } = store();
      const r1 = run();
      s.outbox.transitionAlerts(r1, {
        raised: [{ problem: 'credentials', system: 'crm', message: 'token refused' }],
        cleared: [],
        notices: [alert('raised')],
      });
      expect(s.outbox.activeAlerts()).toMatchObject([{ problem: 'credentials', system: 'crm', raisedBy: r1 }]);
      const r2 = run();
      s.outbox.transitionAlerts(r2, {
        raised: [],
        cleared: [{ problem: 'credentials', system: 'crm' }],
        notices: [alert('cleared')],
      });
      expect(s.outbox.activeAlerts()).toEqual([]);
      expect(s.outbox.pending('ops').map((n) => n.outgoing.key)).toEqual(['raised', 'cleared']);
    });

    it('rolls back an alert whose notice could not be queued', () => {
      const { s, run } = store();
      const r = run();
      const broken = { ...alert('x'), channel: null } as unknown as OutgoingNotice;
      expect(() =>
        s.outbox.transitionAlerts(r, {
          raised: [{ problem: 'failed', system: '', message: 'boom' }],
          cleared: [],
          notices: [broken],
        }),
      ).toThrow();
      expect(s.outbox.activeAlerts()).toEqual([]);
    });
  });
});
