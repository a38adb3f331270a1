import type { RunReport } from '@spoc/core';
import { describe, expect, it } from 'vitest';
import { renderRunMarkdown } from './render-markdown.ts';

const counts: RunReport['counts'] = {
  accounts: 120,
  changes: 0,
  accountRoles: 0,
  inScope: 240,
  written: 0,
  failed: 0,
  conflicts: 1,
  unresolvable: 2,
  ambiguous: 0,
  ambiguousPeople: 0,
  missing: 3,
  config: 0,
};

const change = (n: number, system: 'hubspot' | 'zendesk'): RunReport['changes'][number] => ({
  account: `salesforce:${n}`,
  accountName: `Customer ${n}`,
  role: 'account_owner',
  system,
  recordId: String(n),
  from: 'old@acme.test',
  to: 'new@acme.test',
  reason: 'authority',
  result: 'planned',
});

function plan(more: Partial<RunReport> = {}): RunReport {
  return { runId: 'r_1', status: 'ok', dryRun: true, counts, changes: [], issues: [], ...more };
}

const rowsOf = (md: string, firstHeader: string) => {
  const lines = md.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${firstHeader} |`));
  const rows = [];
  for (let i = start + 2; i < lines.length && lines[i]?.startsWith('|'); i++) rows.push(lines[i]);
  return rows;
};

describe('renderRunMarkdown', () => {
  it('shows the status, the counts and writes per system, and caps the change table', () => {
    const changes = Array.from({ length: 60 }, (_, i) => change(i, i < 45 ? 'hubspot' : 'zendesk'));
    const md = renderRunMarkdown(plan({ changes, counts: { ...counts, changes: 60, accountRoles: 45 } }), 'plan');
    expect(md.split('\n')[0]).toBe('### ✅ spoc plan: ok (dry run)');
    expect(md).toContain('120 accounts · **45** of 240 account-roles in scope changing · 60 writes');
    expect(md).toContain('Conflicts **1** · unresolvable **2** · ambiguous 0 · ambiguous people 0 · missing **3**');
    expect(rowsOf(md, 'system')).toEqual(['| hubspot | 45 |', '| zendesk | 15 |']);
    const rows = rowsOf(md, 'account');
    expect(rows).toHaveLength(50);
    expect(rows[0]).toBe('| Customer 0 | account\\_owner | hubspot | old@acme.test → new@acme.test | authority |');
    expect(md).toContain('…and 10 more changes (`--json` lists every change).');
    expect(md).toContain('#### Changes (60)');
  });

  it('says there is nothing to change, without an empty table', () => {
    const md = renderRunMarkdown(plan(), 'plan');
    expect(md).toContain('Nothing to change.');
    expect(md).not.toContain('| account |');
    expect(md).not.toContain('more changes');
  });

  it('puts the guard’s refusal first, escaped', () => {
    const md = renderRunMarkdown(
      plan({ status: 'refused', message: 'safety.maxChanges: 9 account-roles would change, more than 5% <of 80>' }),
      'plan',
    );
    expect(md.split('\n').slice(0, 3)).toEqual([
      '### ⛔ spoc plan: refused (dry run)',
      '',
      '> **Refused:** safety.maxChanges: 9 account-roles would change, more than 5% &lt;of 80&gt;',
    ]);
  });

  it('a sync shows what was written and what failed', () => {
    const failed = { ...change(2, 'zendesk'), result: 'failed' as const, error: 'E_LOCKED: row | locked' };
    const md = renderRunMarkdown(
      plan({ dryRun: false, status: 'partial', changes: [{ ...change(1, 'zendesk'), result: 'written' }, failed] }),
      'sync',
    );
    expect(md.split('\n')[0]).toBe('### ⚠️ spoc sync: partial');
    expect(rowsOf(md, 'system')).toEqual(['| zendesk | 2 | 1 | 1 |']);
    expect(rowsOf(md, 'account')[1]).toBe(
      '| Customer 2 | account\\_owner | zendesk | old@acme.test → new@acme.test | authority | failed: E\\_LOCKED: row \\| locked |',
    );
  });

  it('summarises cascades and issues', () => {
    const md = renderRunMarkdown(
      plan({
        issues: [
          { kind: 'unresolvable', account: 'salesforce:1', accountName: 'Customer 1', role: 'csm', detail: 'x' },
          { kind: 'conflict', account: 'salesforce:2', detail: 'y' },
        ],
        cascadePlan: {
          totals: { contacts: 4, openTickets: 2 },
          resumed: { contacts: 0, openTickets: 0 },
          accounts: [
            { account: 'a', accountName: 'A', role: 'r', system: 'hubspot', kind: 'contacts', records: 4 },
            { account: 'b', accountName: 'B', role: 'r', system: 'zendesk', kind: 'openTickets', records: 2 },
          ],
          problems: [{ account: 'salesforce:3', system: 'zendesk', code: 'E', message: 'boom' }],
        },
      }),
      'plan',
    );
    expect(md).toContain(
      '4 contacts and 2 open tickets would follow the owner changes (hubspot contacts 4, zendesk open tickets 2).',
    );
    expect(md).toContain('#### Issues (3)');
    expect(md).toContain('unresolvable 1 · conflict 1 · cascade 1');
    expect(rowsOf(md, 'issue')).toEqual([
      '| unresolvable | Customer 1 | csm |   | x |',
      '| conflict | salesforce:2 |   |   | y |',
      '| cascade | salesforce:3 |   | zendesk | E: boom |',
    ]);
  });
});
