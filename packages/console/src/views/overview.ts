import type { AdminAction, ConsistencyPoint, RoleStatus, RunRow } from '@spoc/core';
import { type Html, html } from '../html.ts';
import { page, when } from '../layout.ts';
import { syncNowForm } from './run.ts';

export interface OverviewData {
  summary: { role: string; status: RoleStatus; count: number }[];
  trend: ConsistencyPoint[];
  runs: RunRow[];
  nextRun: Date | null;
  schedule: string | undefined;
  actions: AdminAction[];
}

/** What the page offers besides the data: "Sync now" when this console can reach the vendors. */
export interface OverviewActions {
  canSync: boolean;
  csrf: string;
}

const ISSUES: RoleStatus[] = ['fallback', 'drift', 'conflict', 'unresolvable', 'missing'];

/** What an admin checks every morning: consistency per role, what needs a look, recent runs. */
export function overviewModel(data: OverviewData) {
  const roles = [...new Set(data.summary.map((s) => s.role))];
  const perRole = roles.map((role) => {
    const rows = data.summary.filter((s) => s.role === role);
    const total = rows.reduce((n, r) => n + r.count, 0);
    const consistent = rows.find((r) => r.status === 'consistent')?.count ?? 0;
    return { role, total, consistent, percent: total === 0 ? 100 : (consistent / total) * 100 };
  });
  const counts = Object.fromEntries(
    ISSUES.map((status) => [status, data.summary.filter((s) => s.status === status).reduce((n, r) => n + r.count, 0)]),
  ) as Record<(typeof ISSUES)[number], number>;
  return { accounts: Math.max(0, ...perRole.map((r) => r.total)), perRole, counts };
}

export function overviewPage(data: OverviewData, actions?: OverviewActions): string {
  const model = overviewModel(data);
  const body = html`<h1>Overview</h1>
<div class="cards">
  <div class="card"><span class="muted">Accounts in scope</span><b data-test="accounts">${model.accounts.toLocaleString('en')}</b></div>
  ${model.perRole.map(
    (r) =>
      html`<div class="card"><span class="muted">${r.role} consistent</span><b data-test="consistent-${r.role}">${r.percent.toFixed(1)}%</b><span class="small muted">${r.consistent.toLocaleString('en')} of ${r.total.toLocaleString('en')}</span></div>`,
  )}
</div>
<h2>Needs a look</h2>
<div class="cards">
  ${ISSUES.map(
    (s) =>
      html`<div class="card"><a href="/accounts?status=${s}" data-test="count-${s}"><span class="badge s-${s}">${s}</span><b>${model.counts[s].toLocaleString('en')}</b></a></div>`,
  )}
</div>
<h2>Consistency over recent runs</h2>
${trendChart(data.trend)}
<h2>Runs</h2>
<p>${data.schedule ? html`Schedule <code>${data.schedule}</code>; next run <b data-test="next-run">${when(data.nextRun?.toISOString())}</b>` : html`<span class="muted">No schedule in the config (runs come from cron or CI).</span>`}</p>
${actions?.canSync ? html`<p>${syncNowForm(actions.csrf)}</p>` : ''}
${runsTable(
  data.runs.filter((r) => !r.dryRun),
  'runs',
)}
<h2>Dry runs <span class="small muted">(spoc plan, previews: nothing written)</span></h2>
${runsTable(
  data.runs.filter((r) => r.dryRun),
  'dry-runs',
)}
<h2>Admin actions</h2>
${actionsTable(data.actions)}`;
  return page('Overview', 'overview', body);
}

function runsTable(runs: RunRow[], kind: 'runs' | 'dry-runs'): Html {
  if (runs.length === 0)
    return html`<p class="muted">${kind === 'runs' ? html`No sync yet: run <code>spoc sync</code>.` : 'None.'}</p>`;
  return html`<table data-test="${kind}"><thead><tr><th>run</th><th>started</th><th>status</th><th>duration</th><th>changes</th><th>written</th><th>failed</th><th>message</th></tr></thead><tbody>
${runs.map((r) => {
  const seconds = r.finishedAt ? ((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) / 1000).toFixed(1) : null;
  return html`<tr><td class="small"><a href="/runs/${r.id}" data-test="run-link">${r.id}</a></td><td>${when(r.startedAt)}</td>
<td><span class="badge s-${r.status === 'ok' ? 'consistent' : r.status === 'running' ? 'missing' : 'conflict'}">${r.status}</span></td>
<td>${seconds === null ? '—' : `${seconds} s`}</td><td>${r.counts?.changes ?? '—'}</td><td>${r.counts?.written ?? '—'}</td><td>${r.counts?.failed ?? '—'}</td><td class="small">${r.error ?? ''}</td></tr>`;
})}</tbody></table>`;
}

export function actionsTable(actions: AdminAction[]): Html {
  if (actions.length === 0) return html`<p class="muted">None.</p>`;
  return html`<table><thead><tr><th>#</th><th>when</th><th>what</th><th>by</th><th>status</th></tr></thead><tbody>
${actions.map(
  (a) => html`<tr><td>${a.id}</td><td>${when(a.at)}</td><td>${describeAction(a)}</td><td>${a.actor}</td>
<td><span class="badge ${a.status === 'done' ? 's-consistent' : 's-drift'}" data-test="action-${a.id}">${a.status === 'done' ? 'applied' : 'waiting for the next sync'}</span>
<span class="small muted">${a.overrides.filter((o) => o.outcome === 'applied').length}/${a.overrides.length} applied${a.overrides.some((o) => o.outcome === 'superseded') ? ', some superseded' : ''}</span></td></tr>`,
)}</tbody></table>`;
}

function describeAction(a: AdminAction): string {
  const d = a.detail as Record<string, string | boolean>;
  if (a.kind === 'settle') return `settle ${d.role} of ${d.name ?? d.account} → ${d.email}`;
  return `hand over ${a.overrides.length} account roles of ${d.from} → ${d.to}${d.openTickets ? ' (with open tickets)' : ''}`;
}

/**
 * Consistency % per role over the last runs, as an inline SVG (no script, no chart
 * library): a dated axis (the runs' start, UTC) and each point's value on hover (its <title>).
 */
function trendChart(points: ConsistencyPoint[]): Html {
  const runs = [...new Set(points.map((p) => p.runId))];
  if (runs.length < 2) return html`<p class="muted">The chart appears after two runs.</p>`;
  const width = 640;
  const height = 160;
  const x = (i: number) => 40 + (i * (width - 60)) / (runs.length - 1);
  const startOf = new Map(points.map((p) => [p.runId, p.startedAt]));
  const dateOf = (run: string) => (startOf.get(run) ?? '').slice(0, 16).replace('T', ' ');
  // First, last and a few between: labels that do not overlap.
  const step = Math.max(1, Math.ceil(runs.length / 5));
  const ticks = runs.flatMap((run, i) =>
    i % step === 0 || i === runs.length - 1
      ? [
          html`<text x="${x(i).toFixed(1)}" y="${height - 4}" text-anchor="middle" font-size="9" fill="#6b7486">${dateOf(run)}</text>`,
        ]
      : [],
  );
  const y = (percent: number) => 10 + ((100 - percent) * (height - 30)) / 100;
  const colours = ['#2f5bd3', '#d38a2f', '#2fa36b', '#a32f8e'];
  const roles = [...new Set(points.map((p) => p.role))];
  const lines = roles.map((role, n) => {
    const coords = runs
      .map((run, i) => {
        const p = points.find((q) => q.runId === run && q.role === role);
        return p && p.total > 0 ? `${x(i).toFixed(1)},${y((p.consistent / p.total) * 100).toFixed(1)}` : null;
      })
      .filter((c) => c !== null)
      .join(' ');
    const colour = colours[n % colours.length] ?? '#2f5bd3';
    const dots = runs.flatMap((run, i) => {
      const p = points.find((q) => q.runId === run && q.role === role);
      if (!p || p.total === 0) return [];
      const percent = (p.consistent / p.total) * 100;
      return [
        html`<circle cx="${x(i).toFixed(1)}" cy="${y(percent).toFixed(1)}" r="3" fill="${colour}" data-test="trend-point"><title>${role}: ${percent.toFixed(1)}% consistent (${p.consistent.toLocaleString('en')} of ${p.total.toLocaleString('en')}) · run ${run} · ${dateOf(run)} UTC</title></circle>`,
      ];
    });
    return html`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${coords}"/>${dots}<text x="${width - 10}" y="${14 + n * 14}" text-anchor="end" font-size="11" fill="${colour}">${role}</text>`;
  });
  return html`<svg role="img" aria-label="consistency per role over the last ${runs.length} runs" width="${width}" height="${height}" class="chart">
<line x1="40" y1="${y(100)}" x2="${width - 20}" y2="${y(100)}" stroke="#e3e6ec"/><line x1="40" y1="${y(50)}" x2="${width - 20}" y2="${y(50)}" stroke="#e3e6ec"/>
<text x="4" y="${y(100) + 4}" font-size="10" fill="#6b7486">100%</text><text x="8" y="${y(50) + 4}" font-size="10" fill="#6b7486">50%</text><text x="14" y="${y(0) + 4}" font-size="10" fill="#6b7486">0%</text>
${lines}${ticks}</svg>`;
}
