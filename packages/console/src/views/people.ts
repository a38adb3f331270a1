import type { AccountRoleRow, PersonState, SpocConfig } from '@spoc/core';
import { type Html, html } from '../html.ts';
import { page } from '../layout.ts';
import { accountTable, PAGE_SIZE, systemLabel } from './accounts.ts';

export type PersonRow = PersonState & { decidedFor: number; holds: number };

/** A person who owns accounts but cannot own them somewhere: their customers lack a contact there. */
export function atRisk(p: PersonRow): boolean {
  return p.decidedFor + p.holds > 0 && Object.values(p.systems).some((s) => s.standing !== 'active');
}

function standings(config: SpocConfig, p: PersonState): Html[] {
  return config.enabledSystems.map((s) => {
    const standing = p.systems[s]?.standing ?? 'absent';
    return html`<td><span class="badge st-${standing}">${standing}</span></td>`;
  });
}

export function peoplePage(config: SpocConfig, people: PersonRow[], search: string, riskOnly: boolean): string {
  const shown = riskOnly ? people.filter(atRisk) : people;
  const body = html`<h1>People</h1>
<form class="filters" method="get" action="/people">
<label>search<input name="q" value="${search}" placeholder="email or name"></label>
<label><span>&nbsp;</span><span><input type="checkbox" name="risk" value="1" ${riskOnly ? 'checked' : ''}> only people whose accounts lack a contact somewhere</span></label>
<button type="submit">Filter</button></form>
<p class="muted">${shown.length} people. A person not active in a system cannot be written there: their accounts get the fallback or wait for a handover.</p>
<table data-test="people"><thead><tr><th>person</th>${config.enabledSystems.map((s) => html`<th>${systemLabel(config, s)}</th>`)}<th>decided owner of</th><th>fields holding them</th></tr></thead><tbody>
${shown.map(
  (
    p,
  ) => html`<tr class="${atRisk(p) ? 'risk' : ''}" data-email="${p.email}"><td><a href="/people/${encodeURIComponent(p.email)}">${p.email}</a><div class="small muted">${p.name ?? ''}</div></td>
${standings(config, p)}<td>${p.decidedFor}</td><td>${p.holds}${atRisk(p) ? html` <span class="badge s-conflict">at risk</span>` : ''}</td></tr>`,
)}</tbody></table>`;
  return page('People', 'people', body);
}

export function personPage(
  config: SpocConfig,
  data: {
    person: PersonState;
    accounts: { total: number; rows: AccountRoleRow[] };
    pageNumber: number;
    successors: string[];
    csrf: string;
    notice?: string;
  },
): string {
  const { person, accounts } = data;
  const pages = Math.max(1, Math.ceil(accounts.total / PAGE_SIZE));
  const href = (n: number) => `/people/${encodeURIComponent(person.email)}?page=${n}`;
  const body = html`<h1>${person.name ?? person.email} <span class="small muted">${person.email}</span></h1>
${data.notice ? html`<div class="notice" data-test="notice">${data.notice}</div>` : ''}
<table><thead><tr>${config.enabledSystems.map((s) => html`<th>${systemLabel(config, s)}</th>`)}</tr></thead><tbody><tr>${standings(config, person)}</tr></tbody></table>
<h2>Accounts (${accounts.total}) — decided owner or held in a system</h2>
${accountTable(config, accounts.rows)}
<div class="pager">${data.pageNumber > 1 ? html`<a href="${href(data.pageNumber - 1)}">← previous</a>` : ''}<span>page ${data.pageNumber} of ${pages}</span>${data.pageNumber < pages ? html`<a href="${href(data.pageNumber + 1)}">next →</a>` : ''}</div>
${
  accounts.total > 0
    ? html`<form method="post" action="/people/${encodeURIComponent(person.email)}/handover/preview" class="notice" data-test="handover">
<b>Hand over all ${accounts.total} account roles</b> to
<input type="hidden" name="_csrf" value="${data.csrf}">
<select name="to" required><option value="">choose a person</option>${data.successors.map((e) => html`<option value="${e}">${e}</option>`)}</select>
<label><input type="checkbox" name="openTickets" value="1"> with their open Zendesk tickets</label>
<button type="submit">Preview</button></form>`
    : ''
}`;
  return page(person.email, 'people', body);
}
