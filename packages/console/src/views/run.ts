import type { AuditRow, ConnectorStats, NoticeRow, ProgressEvent, RunRow, SpocConfig, SystemId } from '@spoc/core';
import { type Html, html } from '../html.ts';
import { page, when } from '../layout.ts';
import { systemLabel } from './accounts.ts';

export interface RunData {
  run: RunRow;
  changes: AuditRow[];
  /** The handover notices and run alerts this run queued, and how their delivery went. */
  notices: NoticeRow[];
  /** Vendor calls per system, with retries and 429s among them. */
  calls: Record<SystemId, ConnectorStats>;
}

/** While a run started from this console goes on: what it has done so far. */
export interface RunProgress {
  events: ProgressEvent[];
}

/** What the field held before the change, in words: the person, else the raw value it named. */
export function beforeOf(c: AuditRow): string | null {
  if (c.from) return c.from;
  if (!c.fromValue) return null;
  return 'id' in c.fromValue ? c.fromValue.id : c.fromValue.email;
}

/**
 * One run: how it ended, what each vendor call cost, what it changed (per record: the
 * value before and after, and each write's result; for a refused run, what it would
 * have applied), and the notices it produced. A run in progress refreshes itself.
 */
export function runPage(
  config: SpocConfig,
  data: RunData,
  extra: { progress?: RunProgress; csrf?: string; canSync?: boolean } = {},
): string {
  const { run } = data;
  const running = run.status === 'running';
  const refused = run.status === 'refused';
  const body = html`<h1>Run <span class="small">${run.id}</span>${run.dryRun ? html` <span class="badge">dry run</span>` : ''}</h1>
<p>Started ${when(run.startedAt)}${run.finishedAt ? html`, finished ${when(run.finishedAt)}` : ''}${run.durationMs !== null ? html` (${(run.durationMs / 1000).toFixed(1)} s)` : ''}: <b data-test="run-status">${run.status}</b>${run.error ? html` <span class="small muted" data-test="run-error">${run.error}</span>` : ''}</p>
${running ? progressBlock(config, extra.progress) : ''}
${refused && data.changes.length > 0 ? html`<p class="notice warn" data-test="refused-plan">The safety guard refused this plan: nothing was written. The changes below are what it would have applied; <code>spoc sync --force</code> applies them (the console never forces).</p>` : ''}
${!running && extra.canSync && extra.csrf ? syncNowForm(extra.csrf) : ''}
<h2>Vendor calls</h2>
${callsTable(config, data.calls)}
<h2>Changes${data.changes.length > 0 ? html` <span class="small"><a href="/runs/${encodeURIComponent(run.id)}/changes.csv" data-test="changes-csv" download>export CSV</a></span>` : ''}</h2>
${changesTable(config, data.changes)}
<h2>Notices</h2>
${noticesTable(data.notices)}`;
  return page(`Run ${run.id}`, 'overview', body, running ? { refreshSeconds: 2 } : {});
}

export function syncNowForm(csrf: string): Html {
  return html`<form class="inline" method="post" action="/sync-now"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" data-test="sync-now">Sync now</button> <span class="small muted">reads every system and writes the difference, within the safety guard</span></form>`;
}

function progressBlock(config: SpocConfig, progress: RunProgress | undefined): Html {
  if (!progress)
    return html`<p class="notice" data-test="run-progress">Running in another process; this page refreshes every 2 seconds.</p>`;
  const lines = progress.events.map((e) =>
    e.phase === 'read'
      ? `read ${systemLabel(config, e.system)} ${e.what}: ${e.records.toLocaleString('en')}`
      : `wrote ${systemLabel(config, e.system)}: ${e.done.toLocaleString('en')} of ${e.total.toLocaleString('en')}`,
  );
  return html`<div class="notice" data-test="run-progress">Running; this page refreshes every 2 seconds.${lines.length > 0 ? html`<ul>${lines.map((l) => html`<li>${l}</li>`)}</ul>` : html` Connecting to the systems…`}</div>`;
}

function callsTable(config: SpocConfig, calls: Record<SystemId, ConnectorStats>): Html {
  const systems = Object.keys(calls);
  if (systems.length === 0) return html`<p class="muted">Not recorded for this run.</p>`;
  return html`<table data-test="run-calls"><thead><tr><th>system</th><th>calls</th><th>retries</th><th>429s</th></tr></thead><tbody>
${systems.map((s) => {
  const c = calls[s] as ConnectorStats;
  return html`<tr data-system="${s}"><td>${systemLabel(config, s)}</td><td>${c.calls.toLocaleString('en')}</td><td>${c.retries.toLocaleString('en')}</td><td>${c.throttled.toLocaleString('en')}</td></tr>`;
})}</tbody></table>`;
}

function changesTable(config: SpocConfig, changes: AuditRow[]): Html {
  if (changes.length === 0) return html`<p class="muted">None.</p>`;
  return html`<table data-test="run-changes"><thead><tr><th>account</th><th>role</th><th>system</th><th>record</th><th>before</th><th>after</th><th>why</th><th>result</th></tr></thead><tbody>
${changes.map(
  (
    c,
  ) => html`<tr data-result="${c.result}"><td><a href="/accounts/${encodeURIComponent(c.account)}">${c.accountName || c.account}</a></td><td>${c.role}</td><td>${systemLabel(config, c.system)}</td>
<td class="small">${c.recordId}</td><td>${beforeOf(c) ?? html`<span class="muted">empty</span>`}</td><td>${c.to}</td><td>${c.reason}</td><td>${c.result}${c.error ? html`<div class="small muted">${c.error.code}: ${c.error.message}</div>` : ''}</td></tr>`,
)}</tbody></table>`;
}

function noticesTable(notices: NoticeRow[]): Html {
  if (notices.length === 0) return html`<p class="muted">None.</p>`;
  return html`<table data-test="run-notices"><thead><tr><th>what</th><th>channel</th><th>to</th><th>delivery</th><th>attempts</th></tr></thead><tbody>
${notices.map(
  (
    n,
  ) => html`<tr data-state="${n.state}"><td>${n.kind}</td><td>${n.channel}</td><td>${n.recipient ?? html`<span class="muted">the channel</span>`}</td>
<td><span class="badge ${n.state === 'sent' ? 's-consistent' : n.state === 'pending' ? 's-drift' : 's-conflict'}">${n.state}</span>${n.sentAt ? html` <span class="small muted">${when(n.sentAt)}</span>` : ''}${n.lastError ? html`<div class="small muted">${n.lastError}</div>` : ''}</td>
<td>${n.attempts}</td></tr>`,
)}</tbody></table>`;
}
