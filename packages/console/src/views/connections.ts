import type { SpocConfig, SystemId } from '@spoc/core';
import { html } from '../html.ts';
import { page, when } from '../layout.ts';
import type { SystemReadiness } from '../ops/readiness.ts';
import { systemLabel } from './accounts.ts';

export interface ConnectionRow {
  system: SystemId;
  readiness: SystemReadiness;
  /** When the last connection check passed (credentials, scopes, fields). */
  checkedAt: string | null;
  /** The latest run that failed on this system, and what the vendor said. */
  lastFailure?: { runId: string; finishedAt: string; code: string | null; message: string | null };
  /** Vendor calls of today's runs (UTC day), retries and 429s among them. */
  today: { calls: number; retries: number; throttled: number };
  /** The share of a daily allocation spoc may spend here, where the system has one (Salesforce's dailyApiShare). */
  dailyShare?: number;
  /** The vendor's daily allocation as the latest run saw it (every integration's requests count). */
  daily?: { used: number; limit: number; at: string };
}

/**
 * Each system's connection as the runs last found it: whether the last check passed (a
 * token revoked or a scope missing shows as the latest failure, with the vendor's
 * words), and what today's runs spent of its API budget. Read from the store: the
 * console itself calls no vendor.
 */
export function connectionsPage(config: SpocConfig, rows: ConnectionRow[]): string {
  const body = html`<h1>Connections</h1>
<table data-test="connections"><thead><tr><th>system</th><th>state</th><th>last check passed</th><th>latest failure</th><th>spoc's API calls today</th><th>429s today</th><th>daily allocation used</th></tr></thead><tbody>
${rows.map((r) => {
  const failureIsLatest = r.lastFailure && (!r.checkedAt || r.lastFailure.finishedAt > r.checkedAt);
  return html`<tr data-system="${r.system}"><td>${systemLabel(config, r.system)}</td>
<td><span class="badge ${r.readiness.ok ? 's-consistent' : 's-conflict'}" data-test="state-${r.system}">${r.readiness.ok ? 'ok' : 'needs a look'}</span>${r.readiness.ok ? '' : html`<div class="small muted">${r.readiness.reason}</div>`}</td>
<td>${when(r.checkedAt)}</td>
<td>${r.lastFailure ? html`<a href="/runs/${encodeURIComponent(r.lastFailure.runId)}">${when(r.lastFailure.finishedAt)}</a>${failureIsLatest ? '' : html` <span class="small muted">(since passed)</span>`}<div class="small muted">${r.lastFailure.code ?? ''}${r.lastFailure.message ? html`: ${r.lastFailure.message}` : ''}</div>` : html`<span class="muted">none</span>`}</td>
<td>${r.today.calls.toLocaleString('en')}${r.today.retries > 0 ? html` <span class="small muted">(${r.today.retries.toLocaleString('en')} retries)</span>` : ''}</td>
<td>${r.today.throttled.toLocaleString('en')}</td>
<td data-test="daily-${r.system}">${r.daily ? html`${r.daily.used.toLocaleString('en')} of ${r.daily.limit.toLocaleString('en')} (${((r.daily.used / r.daily.limit) * 100).toFixed(1)}%)<div class="small muted">as of ${when(r.daily.at)}</div>` : html`<span class="muted">not reported</span>`}${r.dailyShare !== undefined ? html`<div class="small muted">spoc may use ${Math.round(r.dailyShare * 100)}%${r.daily ? ` (${Math.floor(r.dailyShare * r.daily.limit).toLocaleString('en')} requests)` : ''}</div>` : ''}</td></tr>`;
})}</tbody></table>
<p class="small muted">A connection check runs at the start of a sync when the settings changed or a day has passed; a refused token fails the run at its first call in between.</p>`;
  return page('Connections', 'connections', body);
}
