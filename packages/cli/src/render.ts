import type { OwnershipReport, RunReport } from '@spoc/core';
import { table } from './table.ts';

/** Human-readable output for stdout (--json prints the documents themselves). */

export function renderRun(report: RunReport, title: string): string {
  const c = report.counts;
  const lines = [
    `${title} ${report.runId}: ${report.status}${report.dryRun ? ' (dry run)' : ''}`,
    `  accounts ${c.accounts}; account-roles changing ${c.accountRoles} of ${c.inScope} in scope; writes ${c.changes} (written ${c.written}, failed ${c.failed})`,
    `  conflicts ${c.conflicts}, unresolvable ${c.unresolvable}, ambiguous ${c.ambiguous}, ambiguous people ${c.ambiguousPeople}, missing ${c.missing}${c.config > 0 ? `, config ${c.config}` : ''}`,
  ];
  const cascade = report.cascadePlan;
  if (cascade && (cascade.accounts.length > 0 || cascade.problems.length > 0)) {
    const t = cascade.totals;
    lines.push(
      `  cascades: ${t.contacts} contacts and ${t.openTickets} open tickets would follow the owner changes${
        cascade.resumed.contacts + cascade.resumed.openTickets > 0
          ? `; ${cascade.resumed.contacts} contacts and ${cascade.resumed.openTickets} open tickets left by a stopped run`
          : ''
      }`,
    );
  }
  if (report.message) lines.push(`  ${report.message}`);
  if (report.changes.length > 0) {
    lines.push(
      '',
      table(
        ['account', 'name', 'role', 'system', 'from', 'to', 'reason', 'result'],
        report.changes.map((ch) => [
          ch.account,
          ch.accountName,
          ch.role,
          ch.system,
          ch.from ?? (ch.fromValue ? `"${ch.fromValue}" (no known person)` : '—'),
          ch.to,
          ch.reason,
          ch.error ? `${ch.result}: ${ch.error}` : ch.result,
        ]),
      ),
    );
  }
  if (cascade && cascade.accounts.length > 0) {
    lines.push(
      '',
      table(
        ['cascade', 'account', 'name', 'role', 'system', 'records'],
        cascade.accounts.map((a) => [
          a.resumed ? `${a.kind} (resumed)` : a.kind,
          a.account,
          a.accountName,
          a.role,
          a.system,
          String(a.records),
        ]),
      ),
    );
  }
  const issues = [
    ...report.issues.map((i) => [i.kind, i.account, i.accountName ?? '', i.role ?? '', i.system ?? '', i.detail]),
    ...(cascade?.problems ?? []).map((p) => ['cascade', p.account, '', '', p.system, `${p.code}: ${p.message}`]),
  ];
  if (issues.length > 0) lines.push('', table(['issue', 'account', 'name', 'role', 'system', 'detail'], issues));
  for (const done of report.cascades ?? []) {
    lines.push(`  cascade ${done.kind} in ${done.system}: ${done.updated} updated, ${done.failed} failed`);
  }
  return lines.join('\n');
}

export function renderOwnership(report: OwnershipReport, all: boolean): string {
  const roles = Object.keys(report.summary);
  const lines = ['Ownership by role:'];
  for (const role of roles) {
    const s = report.summary[role];
    if (!s) continue;
    const total = Object.values(s).reduce((a, b) => a + b, 0);
    const pct = total === 0 ? 100 : Math.round((s.consistent / total) * 1000) / 10;
    lines.push(
      `  ${role}: ${pct}% consistent (${s.consistent}/${total}); fallback ${s.fallback}, drift ${s.drift}, conflict ${s.conflict}, unresolvable ${s.unresolvable}, missing ${s.missing}`,
    );
  }
  const rows: string[][] = [];
  for (const account of report.accounts) {
    for (const [role, r] of Object.entries(account.roles)) {
      if (!all && r.status === 'consistent') continue;
      rows.push([
        account.account,
        account.name,
        role,
        r.status,
        r.decided ?? '—',
        r.owners.salesforce ?? '—',
        r.owners.hubspot ?? '—',
        r.owners.zendesk ?? '—',
      ]);
    }
  }
  if (rows.length > 0) {
    lines.push('', all ? 'All accounts:' : 'Accounts needing attention (--all shows every account):');
    lines.push(table(['account', 'name', 'role', 'status', 'decided', 'salesforce', 'hubspot', 'zendesk'], rows));
  }
  return lines.join('\n');
}
