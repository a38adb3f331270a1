import type { RunReport } from '@spoc/core';
import { escapeMarkdown, markdownTable } from './markdown.ts';
import { maskPrinted } from './mask-output.ts';

// Secrets are masked before escaping: stdout's mask looks for a secret as it is, and an
// escaped one (a backslash before its `_`) would slip past it.
const md = (text: string) => escapeMarkdown(maskPrinted(text));
const table = (header: string[], rows: string[][], right?: number[]) =>
  markdownTable(
    header,
    rows.map((r) => r.map(maskPrinted)),
    right,
  );

/** Rows a table shows before "…and N more": a pull-request comment stays readable (and under GitHub's 65,536 characters). */
export const MARKDOWN_ROWS = 50;

const STATUS_MARK: Record<RunReport['status'], string> = { ok: '✅', partial: '⚠️', refused: '⛔', failed: '❌' };

/**
 * `plan --markdown` (and `sync --markdown`): the run as a Markdown summary for a pull-request
 * comment. Everything that comes from a CRM goes through escapeMarkdown.
 */
export function renderRunMarkdown(report: RunReport, title: string, maxRows = MARKDOWN_ROWS): string {
  const c = report.counts;
  const out: string[] = [
    `### ${STATUS_MARK[report.status]} spoc ${md(title)}: ${report.status}${report.dryRun ? ' (dry run)' : ''}`,
    '',
  ];
  if (report.message) {
    const label = report.status === 'refused' ? 'Refused' : report.status === 'failed' ? 'Failed' : 'Note';
    out.push(`> **${label}:** ${md(report.message)}`, '');
  }
  out.push(
    `Run \`${report.runId.replace(/`/g, '')}\` · ${c.accounts} accounts · **${c.accountRoles}** of ${c.inScope} account-roles in scope changing · ${c.changes} writes${
      report.dryRun ? '' : ` (written ${c.written}, failed ${c.failed})`
    }`,
    '',
    `Conflicts **${c.conflicts}** · unresolvable **${c.unresolvable}** · ambiguous ${c.ambiguous} · ambiguous people ${c.ambiguousPeople} · missing **${c.missing}**${
      c.config > 0 ? ` · config ${c.config}` : ''
    }`,
  );

  const perSystem = countBy(report.changes, (ch) => ch.system);
  if (perSystem.size > 0) {
    const rows = [...perSystem].map(([system, changes]) => {
      const row = [system, String(changes.length)];
      if (!report.dryRun) {
        row.push(String(changes.filter((ch) => ch.result === 'written').length));
        row.push(String(changes.filter((ch) => ch.result === 'failed').length));
      }
      return row;
    });
    const header = report.dryRun ? ['system', 'writes'] : ['system', 'writes', 'written', 'failed'];
    out.push('', table(header, rows, [1, 2, 3]));
  }

  out.push('', `#### Changes (${report.changes.length})`, '');
  if (report.changes.length === 0) out.push('Nothing to change.');
  else {
    const header = ['account', 'role', 'system', 'from → to', 'reason'];
    if (!report.dryRun) header.push('result');
    const rows = report.changes.slice(0, maxRows).map((ch) => {
      const from = ch.from ?? (ch.fromValue ? `"${ch.fromValue}" (no known person)` : '—');
      const row = [ch.accountName, ch.role, ch.system, `${from} → ${ch.to}`, ch.reason];
      if (!report.dryRun) row.push(ch.error ? `${ch.result}: ${ch.error}` : ch.result);
      return row;
    });
    out.push(table(header, rows));
    out.push(...more(report.changes.length, maxRows, 'change'));
  }

  const cascade = report.cascadePlan;
  if (cascade && (cascade.accounts.length > 0 || cascade.problems.length > 0)) {
    const t = cascade.totals;
    const where = [...countBy(cascade.accounts, (a) => `${a.system} ${a.kind}`)].map(
      ([key, list]) => `${key.replace(/ openTickets$/, ' open tickets')} ${list.reduce((n, a) => n + a.records, 0)}`,
    );
    out.push(
      '',
      '#### Cascades',
      '',
      `${t.contacts} contacts and ${t.openTickets} open tickets would follow the owner changes${where.length > 0 ? ` (${md(where.join(', '))})` : ''}.`,
    );
    if (cascade.resumed.contacts + cascade.resumed.openTickets > 0)
      out.push(
        '',
        `${cascade.resumed.contacts} contacts and ${cascade.resumed.openTickets} open tickets left by a stopped run.`,
      );
    if (cascade.problems.length > 0) out.push('', `${cascade.problems.length} cascade problems (listed under Issues).`);
  }
  for (const done of report.cascades ?? [])
    out.push('', `Cascade ${done.kind} in ${done.system}: ${done.updated} updated, ${done.failed} failed.`);

  const issues = [
    ...report.issues.map((i) => [i.kind, i.accountName ?? i.account, i.role ?? '', i.system ?? '', i.detail]),
    ...(cascade?.problems ?? []).map((p) => ['cascade', p.account, '', p.system, `${p.code}: ${p.message}`]),
  ];
  if (issues.length > 0) {
    const kinds = [...countBy(issues, (i) => i[0] ?? '')].map(([kind, list]) => `${kind} ${list.length}`);
    out.push('', `#### Issues (${issues.length})`, '', md(kinds.join(' · ')), '');
    out.push(table(['issue', 'account', 'role', 'system', 'detail'], issues.slice(0, maxRows)));
    out.push(...more(issues.length, maxRows, 'issue'));
  }
  return out.join('\n');
}

function more(total: number, shown: number, what: string): string[] {
  return total > shown ? ['', `…and ${total - shown} more ${what}s (\`--json\` lists every ${what}).`] : [];
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
