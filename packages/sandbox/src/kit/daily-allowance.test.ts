import { describe, expect, it } from 'vitest';
import { DailyAllowance } from './daily-allowance.ts';

const DAY = 86_400_000;

describe('DailyAllowance', () => {
  it('refuses once the day is spent, without counting the refused request', () => {
    const clock = { ms: 10 * DAY };
    const allowance = new DailyAllowance(2, () => clock.ms, 'calendar');
    expect([allowance.take(), allowance.take(), allowance.take()]).toEqual([true, true, false]);
    expect(allowance.used).toBe(2);
    expect(allowance.remaining).toBe(0);
  });

  it("a calendar day turns at midnight UTC of the clock: a request just before it doesn't carry over", () => {
    const clock = { ms: 11 * DAY - 1 };
    const allowance = new DailyAllowance(1, () => clock.ms, 'calendar');
    expect(allowance.take()).toBe(true);
    expect(allowance.take()).toBe(false);
    clock.ms += 1;
    expect(allowance.remaining).toBe(1);
    expect(allowance.take()).toBe(true);
  });

  it('a rolling day lasts 24 hours from its first request, across midnight', () => {
    const clock = { ms: 11 * DAY - 1 };
    const allowance = new DailyAllowance(1, () => clock.ms, 'rolling');
    expect(allowance.take()).toBe(true);
    clock.ms += 1;
    expect(allowance.take()).toBe(false);
    clock.ms += DAY - 1;
    expect(allowance.take()).toBe(true);
  });

  it('reset gives the whole allowance back', () => {
    const allowance = new DailyAllowance(1, () => 0, 'rolling');
    allowance.take();
    allowance.reset();
    expect(allowance.remaining).toBe(1);
  });
});
