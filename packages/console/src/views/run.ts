import type { AuditRow, NoticeRow, RunRow, SpocConfig } from '@spoc/core';
import { html } from '../html.ts';
import { page } from '../layout.ts';
import { systemLabel } from './accounts.ts';

export interface RunData {
  run: RunRow;
  changes: AuditRow[];
  /** The handover notices and run alerts this run queued, and how their delivery went. */
  notices: NoticeRow[];
}

/** One run: how it ended, what it changed (per record, with each write's result), the notices it produced. */
export function runPage(config: SpocConfig, data: RunData): string {
  const { run } = data;
  const body = html`<h1>Run <span class="small">${run.id}</span>${run.dryRun ? html` <span class="badge">dry run</span>` : ''}</h1>
<p>Started ${run.startedAt}${run.finishedAt ? html`, finished ${run.finishedAt}` : ''}: <b data-test="run-status">${run.status}</b>${run.error ? html` <span class="small muted">${run.error}</span>` : ''}</p>
<h2>Changes</h2>
${
  data.changes.length === 0
    ? html`<p class="muted">None.</p>`
    : html`<table data-test="run-changes"><thead><tr><th>account</th><th>role</th><th>system</th><th>from → to</th><th>why</th><th>result</th></tr></thead><tbody>
${data.changes.map(
  (
    c,
  ) => html`<tr><td><a href="/accounts/${encodeURIComponent(c.account)}">${c.accountName || c.account}</a></td><td>${c.role}</td><td>${systemLabel(config, c.system)}</td>
<td>${c.from ?? '—'} → ${c.to}</td><td>${c.reason}</td><td>${c.result}${c.error ? html`<div class="small muted">${c.error.code}: ${c.error.message}</div>` : ''}</td></tr>`,
)}</tbody></table>`
}
<h2>Notices</h2>
${
  data.notices.length === 0
    ? html`<p class="muted">None.</p>`
    : html`<table data-test="run-notices"><thead><tr><th>what</th><th>channel</th><th>to</th><th>delivery</th><th>attempts</th></tr></thead><tbody>
${data.notices.map(
  (
    n,
  ) => html`<tr data-state="${n.state}"><td>${n.kind}</td><td>${n.channel}</td><td>${n.recipient ?? html`<span class="muted">the channel</span>`}</td>
<td><span class="badge ${n.state === 'sent' ? 's-consistent' : n.state === 'pending' ? 's-drift' : 's-conflict'}">${n.state}</span>${n.sentAt ? html` <span class="small muted">${n.sentAt}</span>` : ''}${n.lastError ? html`<div class="small muted">${n.lastError}</div>` : ''}</td>
<td>${n.attempts}</td></tr>`,
)}</tbody></table>`
}`;
  return page(`Run ${run.id}`, 'overview', body);
}
