import { describe, expect, it } from 'vitest';
import { table } from './table.ts';

describe('CLI tables', () => {
  it('wrap a long message onto more lines instead of cutting it, so its end (the system) stays', () => {
    const detail =
      'grace.schmidt@acme.test is decided, whose email 2 zendesk users share (360001, 360002) with all active: nothing written in zendesk';
    const out = table(
      ['issue', 'account', 'detail'],
      [['ambiguous-person', 'salesforce:001000000000001AAA', detail]],
      80,
    );
    expect(out).not.toContain('…');
    expect(out.split('\n').every((line) => line.length <= 80)).toBe(true);
    // Every word of the message is there, in order.
    const [head = '', ...lines] = out.split('\n');
    const column = head.indexOf('detail');
    const words = lines
      .map((l) => l.slice(column))
      .join(' ')
      .split(/\s+/)
      .filter(Boolean);
    expect(words.join(' ')).toBe(detail);
  });

  it('never splits or cuts an email or an id, even when the table is then wider than the terminal', () => {
    const email = 'a.very.long.address.of.someone@customer-with-a-long-domain.example';
    const out = table(['account', 'owner'], [['salesforce:001000000000001AAA', email]], 40);
    expect(out).toContain(email);
    expect(out).toContain('salesforce:001000000000001AAA');
  });
});
