import type { OwnershipReport, RunReport } from '@spoc/core';

/** Human-readable output for stdout (--json prints the documents themselves). */

export function renderRun(report: RunReport, title: string): string {
  const c = report.counts;
  const lines = [
    `${title} ${report.runId}: ${report.status}${report.dryRun ? ' (dry run)' : ''}`,
    `  accounts ${c.accounts}, changes ${c.changes}, written ${c.written}, failed ${c.failed}`,
    `  conflicts ${c.conflicts}, unresolvable ${c.unresolvable}, ambiguous ${c.ambiguous}, missing ${c.missing}`,
  ];
  if (report.message) lines.push(`  ${report.message}`);
  if (report.changes.length > 0) {
    lines.push(
      '',
      table(
        ['account', 'role', 'system', 'from', 'to', 'reason', 'result'],
        report.changes.map((ch) => [
          ch.account,
          ch.role,
          ch.system,
          ch.from ?? '—',
          ch.to,
          ch.reason,
          ch.error ? `${ch.result}: ${ch.error}` : ch.result,
        ]),
        40,
      ),
    );
  }
  if (report.issues.length > 0) {
    lines.push(
      '',
      table(
        ['issue', 'account', 'role', 'system', 'detail'],
        report.issues.map((i) => [i.kind, i.account, i.role ?? '', i.system ?? '', i.detail]),
        40,
      ),
    );
  }
  for (const cascade of report.cascades ?? []) {
    lines.push(`  cascade ${cascade.kind} in ${cascade.system}: ${cascade.updated} updated, ${cascade.failed} failed`);
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
      `  ${role}: ${pct}% consistent (${s.consistent}/${total}); drift ${s.drift}, conflict ${s.conflict}, unresolvable ${s.unresolvable}, missing ${s.missing}`,
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
        r.owners.salesforce ?? '—',
        r.owners.hubspot ?? '—',
        r.owners.zendesk ?? '—',
      ]);
    }
  }
  if (rows.length > 0) {
    lines.push('', all ? 'All accounts:' : 'Accounts needing attention (--all shows every account):');
    lines.push(table(['account', 'name', 'role', 'status', 'salesforce', 'hubspot', 'zendesk'], rows, 32));
  }
  return lines.join('\n');
}

/** A plain aligned table; long cells are cut to `max` characters. */
export function table(header: string[], rows: string[][], max: number): string {
  const cut = (s: string) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);
  const all = [header, ...rows].map((r) => r.map(cut));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
