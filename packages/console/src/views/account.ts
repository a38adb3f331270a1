import type { AccountRoleRow, AdminAction, AuditRow, OwnershipRow, SpocConfig } from '@spoc/core';
import { html } from '../html.ts';
import { page, statusBadge } from '../layout.ts';
import { ownerCell, systemLabel } from './accounts.ts';
import { actionsTable } from './overview.ts';

export interface AccountData {
  account: string;
  roles: AccountRoleRow[];
  history: OwnershipRow[];
  audit: AuditRow[];
  actions: AdminAction[];
}

export function accountPage(config: SpocConfig, data: AccountData, csrf: string, notice?: string): string {
  const name = data.roles[0]?.name ?? data.account;
  const body = html`<h1>${name} <span class="small muted">${data.account}</span></h1>
${notice ? html`<div class="notice" data-test="notice">${notice}</div>` : ''}
<table><thead><tr><th>role</th><th>status</th><th>decided</th>${config.enabledSystems.map((s) => html`<th>${systemLabel(config, s)}</th>`)}<th>why</th></tr></thead><tbody>
${data.roles.map(
  (
    r,
  ) => html`<tr data-role="${r.role}"><td>${r.role}</td><td>${statusBadge(r.status)}</td><td>${r.decided ?? html`<span class="muted">—</span>`}</td>
${config.enabledSystems.map((s) => ownerCell(config, r, s))}<td><pre class="detail">${r.detail ?? ''}</pre></td></tr>`,
)}</tbody></table>
${data.roles.map((r) => settleForm(data.account, r, csrf))}
<h2>Ownership history</h2>
${
  data.history.length === 0
    ? html`<p class="muted">No history yet.</p>`
    : html`<table data-test="history"><thead><tr><th>when</th><th>role</th><th>system</th><th>owner</th><th>why</th><th>run</th></tr></thead><tbody>
${[...data.history].reverse().map(
  (
    h,
  ) => html`<tr><td>${h.at}</td><td>${h.role}</td><td>${systemLabel(config, h.system)}</td><td>${h.email ?? html`<span class="muted">empty or unknown</span>`}</td>
<td>${h.reason === 'observed' ? 'seen in the system' : `written by spoc (${h.reason})`}</td><td class="small">${h.runId}</td></tr>`,
)}</tbody></table>`
}
<h2>Changes spoc planned or made</h2>
${
  data.audit.length === 0
    ? html`<p class="muted">None.</p>`
    : html`<table data-test="audit"><thead><tr><th>when</th><th>role</th><th>system</th><th>from → to</th><th>why</th><th>result</th></tr></thead><tbody>
${[...data.audit].reverse().map(
  (
    c,
  ) => html`<tr><td>${c.at}</td><td>${c.role}</td><td>${systemLabel(config, c.system)}</td><td>${c.from ?? '—'} → ${c.to}</td><td>${c.reason}</td>
<td>${c.result}${c.error ? html`<div class="small muted">${c.error.code}: ${c.error.message}</div>` : ''}</td></tr>`,
)}</tbody></table>`
}
<h2>Admin actions on this account</h2>
${actionsTable(data.actions)}`;
  return page(name, 'accounts', body);
}

/** Choose the owner for one role: any owner a system holds, or another person by email. Previewed before applied. */
function settleForm(account: string, row: AccountRoleRow, csrf: string) {
  const held = [...new Set([row.decided, ...Object.values(row.systems).map((s) => s.owner)])].filter(
    (e): e is string => e !== null,
  );
  const conflict = row.status === 'conflict';
  const form = html`<form method="post" action="/accounts/${encodeURIComponent(account)}/settle/preview" data-test="settle-${row.role}">
<input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="role" value="${row.role}">
${held.map(
  (email, i) =>
    html`<label><input type="radio" name="email" value="${email}" ${i === 0 && !conflict ? 'checked' : ''}> ${email}</label> `,
)}
<label>or <input name="other" placeholder="someone else's email" size="28"></label>
<button type="submit">Preview</button> <span class="small muted">the next sync writes it everywhere, once</span></form>`;
  // A conflict waits for this choice, so its form is open; changing a settled owner is one click away.
  return conflict
    ? html`<div class="notice warn"><b>Settle the ${row.role} conflict</b>${form}</div>`
    : html`<details class="notice"><summary>Change the ${row.role}…</summary>${form}</details>`;
}
