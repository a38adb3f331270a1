import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openStore } from '../store/state-store.ts';
import { deliverNotices } from './deliver.ts';
import { type NoticeChannel, NoticeDeliveryError, type OutgoingNotice } from './notice.ts';

const logger = pino({ level: 'silent' });

/** What a channel does with one delivery. */
type Outcome = 'ok' | 'fail' | 'retry-after' | 'crash';

/** A channel that answers by a script, then takes everything: records each notice it took. */
function scripted(name: string, took: string[], script: Outcome[]): NoticeChannel {
  return {
    name,
    async deliver(n: OutgoingNotice) {
      const outcome = script.shift() ?? 'ok';
      if (outcome === 'fail') throw new NoticeDeliveryError('503');
      if (outcome === 'retry-after') throw new NoticeDeliveryError('429', 1000);
      if (outcome === 'crash') throw new TypeError('socket hang up');
      took.push(`${n.channel}/${n.key}`);
    },
  };
}

const notice = (key: string, channel: string): OutgoingNotice => ({
  key,
  channel,
  notice: { kind: 'run', problem: 'failed', state: 'raised', runId: 'r', message: key },
});

describe('delivering the outbox', () => {
  it('sends each queued notice exactly once, whatever the runs, re-queues and failures in between', async () => {
    const round = fc.record({
      // Keys from a small pool, so runs queue the same notice again.
      queue: fc.array(fc.record({ key: fc.integer({ min: 0, max: 12 }), channel: fc.constantFrom('a', 'b') }), {
        maxLength: 6,
      }),
      deliveries: fc.integer({ min: 0, max: 2 }),
      script: fc.array(fc.constantFrom<Outcome>('ok', 'fail', 'retry-after', 'crash'), { maxLength: 10 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(round, { minLength: 1, maxLength: 8 }), async (rounds) => {
        const store = openStore(':memory:');
        const took: string[] = [];
        const queued = new Set<string>();
        for (const r of rounds) {
          const runId = store.runs.start({ dryRun: false, full: false });
          const notices = r.queue.map((q) => notice(`k${q.key}:${q.channel}`, q.channel));
          store.outbox.enqueue(runId, notices);
          for (const n of notices) queued.add(`${n.channel}/${n.key}`);
          const script = [...r.script];
          for (let i = 0; i < r.deliveries; i++)
            await deliverNotices(store, [scripted('a', took, script), scripted('b', took, script)], logger, {
              maxAttempts: Number.POSITIVE_INFINITY,
            });
        }
        // Once the channels work again, one delivery (or several) empties the outbox.
        const last = await deliverNotices(store, [scripted('a', took, []), scripted('b', took, [])], logger);
        await deliverNotices(store, [scripted('a', took, []), scripted('b', took, [])], logger);
        expect(last.pending).toBe(0);
        expect([...took].sort()).toEqual([...queued].sort());
        store.close();
      }),
      { numRuns: 150 },
    );
  });

  it('hands each channel its notices oldest first, and only its own', async () => {
    const store = openStore(':memory:');
    const runId = store.runs.start({ dryRun: false, full: false });
    store.outbox.enqueue(runId, [notice('1', 'a'), notice('2', 'b'), notice('3', 'a')]);
    const took: string[] = [];
    const result = await deliverNotices(store, [scripted('a', took, [])], logger);
    expect(took).toEqual(['a/1', 'a/3']);
    expect(result).toEqual({ sent: 2, failed: 0, pending: 1 });
  });

  it('gives a notice up after maxAttempts, or at once when the channel says it never will take it', async () => {
    const store = openStore(':memory:');
    const runId = store.runs.start({ dryRun: false, full: false });
    store.outbox.enqueue(runId, [notice('1', 'a'), notice('2', 'a')]);
    const failing: NoticeChannel = {
      name: 'a',
      async deliver(n) {
        throw new NoticeDeliveryError(n.key === '2' ? 'channel_not_found' : '503', undefined, {
          permanent: n.key === '2',
        });
      },
    };
    await deliverNotices(store, [failing], logger, { maxAttempts: 2 });
    expect(store.outbox.forRun(runId).map((n) => [n.key, n.state, n.attempts])).toEqual([
      ['1', 'pending', 1],
      ['2', 'failed', 1],
    ]);
    await deliverNotices(store, [failing], logger, { maxAttempts: 2 });
    expect(store.outbox.forRun(runId).map((n) => [n.key, n.state, n.attempts])).toEqual([
      ['1', 'failed', 2],
      ['2', 'failed', 1],
    ]);
  });

  it('pauses a channel after three failures in a row, and never throws', async () => {
    const store = openStore(':memory:');
    const runId = store.runs.start({ dryRun: false, full: false });
    store.outbox.enqueue(
      runId,
      ['1', '2', '3', '4', '5'].map((k) => notice(k, 'a')),
    );
    let calls = 0;
    const down: NoticeChannel = {
      name: 'a',
      async deliver() {
        calls++;
        throw new Error('ECONNREFUSED');
      },
    };
    await expect(deliverNotices(store, [down], logger)).resolves.toEqual({ sent: 0, failed: 3, pending: 5 });
    expect(calls).toBe(3);
  });
});
