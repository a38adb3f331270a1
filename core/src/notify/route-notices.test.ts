import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NotifyConfig } from '../config/types.ts';
import type { HandoverNotice } from './notice.ts';
import { handoverNotices } from './route-notices.ts';

const people = ['anna', 'bruno', 'carla', 'dora'].map((p) => ({ email: `${p}@acme.test` }));

const handover = fc
  .record({
    account: fc.constantFrom('crm:1', 'crm:2', 'crm:3', 'crm:4', 'crm:5'),
    role: fc.constantFrom('owner', 'csm'),
    previous: fc.option(fc.constantFrom(...people), { nil: null }),
    next: fc.constantFrom(...people),
  })
  .map(
    (h): HandoverNotice => ({
      kind: 'handover',
      ...h,
      accountName: h.account,
      links: [],
      why: { kind: 'decided', system: 'crm' },
      tickets: [],
    }),
  );

function notify(digestAbove: number): NotifyConfig {
  return {
    consoleUrl: undefined,
    digestAbove,
    alertOnFailuresAbove: 0,
    channels: [
      {
        name: 'sales',
        kind: 'slack',
        events: ['handover'],
        roles: undefined,
        slack: { token: 'x', channel: '#h', directMessages: true, apiUrl: undefined },
      },
      { name: 'cs', kind: 'teams', events: ['handover', 'run'], roles: ['csm'], teams: { webhookUrl: 'x' } },
      { name: 'ops', kind: 'teams', events: ['run'], roles: undefined, teams: { webhookUrl: 'x' } },
    ],
  };
}

describe('where handovers go', () => {
  it('gives every notice of a run its own key, and the same keys when built again', () => {
    fc.assert(
      fc.property(
        // One handover per account-role, as a run makes them.
        fc.uniqueArray(handover, { selector: (h) => `${h.account}:${h.role}`, maxLength: 10 }),
        fc.integer({ min: 0, max: 4 }),
        (handovers, digestAbove) => {
          const keys = handoverNotices('run1', handovers, notify(digestAbove)).map((n) => n.key);
          expect(new Set(keys).size).toBe(keys.length);
          expect(handoverNotices('run1', handovers, notify(digestAbove)).map((n) => n.key)).toEqual(keys);
        },
      ),
    );
  });

  it('follows each channel: its events, its roles, direct messages to both POCs on Slack only', () => {
    const h = (account: string, role: string, previous: string | null, next: string): HandoverNotice => ({
      kind: 'handover',
      account,
      accountName: account,
      links: [],
      role,
      previous: previous ? { email: previous } : null,
      next: { email: next },
      why: { kind: 'decided', system: 'crm' },
      tickets: [],
    });
    const out = handoverNotices('r', [h('a', 'owner', 'x@t', 'y@t'), h('b', 'csm', null, 'y@t')], notify(20));
    expect(out.map((n) => n.key)).toEqual([
      'handover:r:a:owner:sales',
      'handover:r:b:csm:sales',
      'handover:r:a:owner:sales:y@t',
      'handover:r:b:csm:sales:y@t',
      'handover:r:a:owner:sales:x@t',
      'handover:r:b:csm:cs',
    ]);
  });
});
