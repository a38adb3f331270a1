import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { VendorGate } from './vendor-gate.ts';

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs `count` calls one after another (a cursor read), each reporting what the vendor says is left. */
async function sequential(gate: VendorGate, count: number, remainingAfter: (i: number) => number) {
  const starts: number[] = [];
  const done = (async () => {
    for (let i = 0; i < count; i++) {
      await gate.run(async () => {
        starts.push(Date.now());
        gate.observe({ remaining: remainingAfter(i) });
      });
    }
  })();
  await vi.runAllTimersAsync();
  await done;
  return starts;
}

describe('VendorGate pacing and spent windows', () => {
  it('spreads the allowance over the window instead of bursting it', async () => {
    const gate = new VendorGate({ cap: 10, intervalMs: 1000 });
    const starts = await sequential(gate, 20, () => 5);
    expect(starts.filter((t) => t < 1000)).toHaveLength(10);
    // Split into ten sub-windows: at most one call per 100 ms.
    expect(starts.slice(0, 10)).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
  });

  it('a window spent by our own paced calls costs only a short margin, not a whole interval', async () => {
    const gate = new VendorGate({ cap: 10, intervalMs: 1000 });
    // The vendor's window opens with our first call: its 10th call spends it. It has
    // rolled 1000 ms after that first call; the gate adds a 200 ms margin.
    const starts = await sequential(gate, 12, (i) => 9 - (i % 10));
    expect(starts[9]).toBe(900);
    expect(starts[10]).toBe(1200);
  });

  it('a window spent by someone else is waited out for a whole interval', async () => {
    const gate = new VendorGate({ cap: 10, intervalMs: 1000 });
    const starts = await sequential(gate, 2, () => 0);
    expect(starts).toEqual([0, 1000]);
  });

  it('an explicit reset time from the vendor wins', async () => {
    const gate = new VendorGate({ cap: 10, intervalMs: 1000 });
    const starts: number[] = [];
    const done = (async () => {
      await gate.run(async () => {
        starts.push(Date.now());
        gate.observe({ remaining: 0, resetMs: 2500 });
      });
      await gate.run(async () => {
        starts.push(Date.now());
      });
    })();
    await vi.runAllTimersAsync();
    await done;
    expect(starts).toEqual([0, 2500]);
  });
});
