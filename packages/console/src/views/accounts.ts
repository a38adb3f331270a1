import {
  type AccountFilter,
  type AccountRoleRow,
  type AccountSort,
  ROLE_STATUSES,
  type SpocConfig,
  type SystemId,
} from '@spoc/core';
import { type Html, html } from '../html.ts';
import { page, statusBadge } from '../layout.ts';
import { recordUrl } from '../vendor-links.ts';

export const STATUSES = ROLE_STATUSES;
export const PAGE_SIZE = 50;

/** The system's name as its connector definition gives it. */
export function systemLabel(config: SpocConfig, system: SystemId): string {
  return config.systems[system]?.label ?? system;
}

/** The filter (and sort) as query parameters, the way the filter form sends them. */
export function filterParams(filter: AccountFilter, sort?: AccountSort): URLSearchParams {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...filter, q: filter.search, search: undefined }))
    if (v) params.set(k, String(v));
  if (sort && (sort.by !== 'name' || sort.descending)) {
    params.set('sort', sort.by);
    if (sort.descending) params.set('dir', 'desc');
  }
  return params;
}

export function accountsPage(
  config: SpocConfig,
  filter: AccountFilter,
  pageNumber: number,
  result: { total: number; rows: AccountRoleRow[] },
  sort: AccountSort = { by: 'name', descending: false },
): string {
  const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
  const query = (n: number) => {
    const params = filterParams(filter, sort);
    params.set('page', String(n));
    return `/accounts?${params.toString()}`;
  };
  // A column header sorts by it; the sorted column's header turns the order round.
  const sortLink = (by: AccountSort['by']) => {
    const next = { by, descending: sort.by === by && !sort.descending };
    const arrow = sort.by === by ? (sort.descending ? ' ▼' : ' ▲') : '';
    return html`<a href="/accounts?${filterParams(filter, next).toString()}" data-sort="${by}">${by === 'name' ? 'account' : by}${arrow}</a>`;
  };
  const select = (name: string, options: readonly string[], current: string | undefined, all: string) =>
    html`<select name="${name}"><option value="">${all}</option>${options.map(
      (o) => html`<option value="${o}" ${o === current ? 'selected' : ''}>${o}</option>`,
    )}</select>`;
  const body = html`<h1>Accounts</h1>
<form class="filters" method="get" action="/accounts">
  <label>search<input name="q" value="${filter.search ?? ''}" placeholder="name or account key"></label>
  <label>status${select('status', STATUSES, filter.status, 'any status')}</label>
  <label>role${select(
    'role',
    config.roles.map((r) => r.name),
    filter.role,
    'any role',
  )}</label>
  <label>owner<input name="owner" value="${filter.owner ?? ''}" placeholder="email"></label>
  <label>system${select('system', config.enabledSystems, filter.system, 'any system')}</label>
  <button type="submit">Filter</button> <a href="/accounts">clear</a>
</form>
<p class="muted"><span data-test="total">${result.total.toLocaleString('en')} account roles match</span> · <a href="/accounts.csv?${filterParams(filter, sort).toString()}" data-test="export-csv" download>export CSV</a></p>
${accountTable(config, result.rows, sortLink)}
<div class="pager">${pageNumber > 1 ? html`<a href="${query(pageNumber - 1)}">← previous</a>` : ''}<span>page ${pageNumber} of ${pages}</span>${pageNumber < pages ? html`<a href="${query(pageNumber + 1)}" rel="next">next →</a>` : ''}</div>`;
  return page('Accounts', 'accounts', body);
}

export function accountTable(
  config: SpocConfig,
  rows: AccountRoleRow[],
  sortLink?: (by: AccountSort['by']) => Html,
): Html {
  if (rows.length === 0) return html`<p class="muted">Nothing matches.</p>`;
  const th = (by: AccountSort['by']) => html`<th>${sortLink ? sortLink(by) : by === 'name' ? 'account' : by}</th>`;
  return html`<table data-test="accounts"><thead><tr>${th('name')}${th('role')}${th('status')}${th('decided')}${config.enabledSystems.map(
    (s) => html`<th>${systemLabel(config, s)}</th>`,
  )}</tr></thead><tbody>
${rows.map(
  (
    r,
  ) => html`<tr data-account="${r.account}" data-role="${r.role}"><td><a href="/accounts/${encodeURIComponent(r.account)}">${r.name}</a><div class="small muted">${r.account}</div></td>
<td>${r.role}</td><td>${statusBadge(r.status)}</td><td>${r.decided ?? html`<span class="muted">—</span>`}</td>
${config.enabledSystems.map((s) => ownerCell(config, r, s))}</tr>`,
)}</tbody></table>`;
}

/**
 * One system's owner: highlighted as a mismatch when it differs from the decided owner,
 * or marked as the fallback stand-in when the role's status says every system holds what
 * spoc would write (the decided owner cannot be held there).
 */
export function ownerCell(config: SpocConfig, row: AccountRoleRow, system: SystemId): Html {
  const held = row.systems[system];
  if (!held) return html`<td class="muted small">not in ${systemLabel(config, system)}</td>`;
  const differs = row.decided !== null && held.owner !== row.decided;
  const standIn = differs && row.status === 'fallback';
  const url = recordUrl(config, system, held.recordId);
  return html`<td class="${standIn ? 'stand-in' : differs ? 'mismatch' : ''}" data-system="${system}">${held.owner ?? html`<span class="muted">empty or unknown</span>`}${standIn ? html` <span class="small muted">(fallback)</span>` : ''}
<div class="small muted">${url ? html`<a href="${url}" target="_blank" rel="noopener noreferrer">${held.recordId} ↗</a>` : held.recordId}</div></td>`;
}
