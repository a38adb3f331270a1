import type { SpocConfig } from '@spoc/core';
import { html } from '../html.ts';
import { page, type Section } from '../layout.ts';
import type { Preview } from '../preview.ts';
import { systemLabel } from './accounts.ts';

const SHOWN = 500;

/**
 * A planned action, as the sync would write it, with a form that applies it (hidden
 * fields carry the same choice) and a way back.
 */
export function previewPage(options: {
  config: SpocConfig;
  title: string;
  section: Section;
  preview: Preview;
  apply: { action: string; fields: Record<string, string> };
  back: string;
  csrf: string;
  /** Why the safety guard refuses the action (it cannot be applied then). */
  refused?: string;
}): string {
  const { preview } = options;
  const body = html`<h1>${options.title}</h1>
<p>The next sync will make these writes (read again from each system first), in place of the configured policy, once.</p>
${preview.notFound.length > 0 ? html`<div class="notice warn">${preview.notFound.length} account role(s) no longer link as the last sync saw them; they are left out. Run a sync and try again.</div>` : ''}
${
  preview.changes.length === 0
    ? html`<div class="notice" data-test="no-writes">No write needed: every system already holds this owner, or none can take them (see below).</div>`
    : html`<table data-test="planned"><thead><tr><th>account</th><th>role</th><th>system</th><th>record</th><th>from</th><th>to</th></tr></thead><tbody>
${preview.changes
  .slice(0, SHOWN)
  .map(
    (c) =>
      html`<tr><td>${c.accountName}</td><td>${c.role}</td><td>${systemLabel(options.config, c.system)}</td><td class="small">${c.recordId}</td><td>${c.from ?? '—'}</td><td><b>${c.to}</b>${c.reason.startsWith('fallback') ? html` <span class="small muted">(${c.reason})</span>` : ''}</td></tr>`,
  )}</tbody></table>${preview.changes.length > SHOWN ? html`<p class="muted">… and ${preview.changes.length - SHOWN} more.</p>` : ''}`
}
${preview.cascades.length > 0 ? html`<p>Then: ${preview.cascades.filter((c) => c.kind === 'contacts').length} contact-owner cascade(s), ${preview.cascades.filter((c) => c.kind === 'openTickets').length} open-ticket handover(s).</p>` : ''}
${preview.issues.length > 0 ? html`<div class="notice warn"><b>Cannot be written everywhere:</b><ul>${preview.issues.map((i) => html`<li>${i.system ? `${systemLabel(options.config, i.system)}: ` : ''}${i.detail}</li>`)}</ul></div>` : ''}
${
  options.refused
    ? html`<div class="notice warn" data-test="guard-refused"><b>The safety guard refuses this action:</b> ${options.refused}.</div><p><a href="${options.back}">Back</a></p>`
    : html`<form method="post" action="${options.apply.action}" data-test="apply">
<input type="hidden" name="_csrf" value="${options.csrf}">
${Object.entries(options.apply.fields).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}">`)}
<button type="submit">Apply at the next sync</button> <a href="${options.back}" class="button secondary">Cancel</a></form>`
}`;
  return page(options.title, options.section, body);
}
