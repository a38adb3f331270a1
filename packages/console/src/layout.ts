import { createHash } from 'node:crypto';
import { Html, html } from './html.ts';

const STYLE = `
:root { font-family: system-ui, sans-serif; color: #1d2330; background: #f6f7f9; }
body { margin: 0; }
header { background: #1d2330; color: #fff; padding: .6rem 1.5rem; display: flex; gap: 1.5rem; align-items: baseline; }
header a { color: #cfd8ea; text-decoration: none; } header a.on, header a:hover { color: #fff; }
header strong { font-size: 1.1rem; margin-right: 1rem; }
main { padding: 1rem 1.5rem 3rem; max-width: 1300px; }
h1 { font-size: 1.4rem; margin: .6rem 0 1rem; } h2 { font-size: 1.1rem; margin: 1.6rem 0 .6rem; }
table { border-collapse: collapse; width: 100%; background: #fff; font-size: .9rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e3e6ec; vertical-align: top; }
th { background: #eef0f4; font-weight: 600; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; }
.card { background: #fff; border: 1px solid #e3e6ec; border-radius: 6px; padding: .7rem 1rem; min-width: 9rem; }
.card b { display: block; font-size: 1.5rem; } .card a { color: inherit; text-decoration: none; }
.badge { display: inline-block; padding: .05rem .45rem; border-radius: 999px; font-size: .78rem; background: #e3e6ec; }
.s-consistent, .st-active { background: #d8f3e0; color: #145c2c; } .s-drift { background: #fde7c7; color: #7a4300; }
.s-conflict { background: #fbd3d3; color: #8a1111; } .s-unresolvable, .st-inactive, .st-ambiguous { background: #f0d5f5; color: #5e1670; }
.s-missing, .st-absent { background: #e3e6ec; color: #3d4555; } .s-fallback { background: #dde9fb; color: #1d3f7a; }
td.mismatch { background: #fff1dd; font-weight: 600; } td.stand-in { background: #eef4fd; }
.muted { color: #6b7486; } .small { font-size: .8rem; }
form.filters { display: flex; flex-wrap: wrap; gap: .5rem; align-items: end; margin-bottom: .8rem; }
form.filters label { display: flex; flex-direction: column; font-size: .8rem; gap: .15rem; }
input, select, button { font: inherit; padding: .25rem .4rem; }
button { background: #2f5bd3; color: #fff; border: 0; border-radius: 4px; padding: .35rem .8rem; cursor: pointer; }
button.secondary { background: #e3e6ec; color: #1d2330; }
.notice { background: #e6efff; border: 1px solid #b8cdf6; padding: .6rem .9rem; border-radius: 6px; margin: .6rem 0; }
.warn { background: #fff4e0; border-color: #f3c98a; }
.pager { margin: .6rem 0; display: flex; gap: 1rem; align-items: center; }
pre.detail { white-space: pre-wrap; margin: 0; font: inherit; font-size: .82rem; color: #5a6275; }
svg.chart { background: #fff; border: 1px solid #e3e6ec; }
svg.chart circle:hover { r: 5; }
th a { color: inherit; text-decoration: none; } th a:hover { text-decoration: underline; }
form.inline { display: inline; }
`;

/** The Content-Security-Policy allows this one inline stylesheet by its hash (no 'unsafe-inline'). */
export const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/**
 * The one script: shows each <time> in the viewer's time zone (the page is rendered in
 * UTC, which is what stays readable without it). Allowed by its hash, like the style.
 */
const LOCAL_TIME = `for (const t of document.querySelectorAll('time[datetime]')) {
  const d = new Date(t.getAttribute('datetime'));
  if (!Number.isNaN(d.getTime())) { t.title = t.getAttribute('datetime'); t.textContent = d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' }); }
}`;
export const SCRIPT_HASH = createHash('sha256').update(LOCAL_TIME).digest('base64');

/** An instant, in UTC on the server and in the viewer's time zone in the browser. */
export function when(iso: string | null | undefined): Html {
  if (!iso) return html`<span class="muted">—</span>`;
  return html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}</time>`;
}

export type Section = 'overview' | 'accounts' | 'people' | 'connections';

/**
 * The page shell: navigation and styles; every action is a plain form, and the only
 * script shows times in the viewer's zone. `refreshSeconds` reloads a page that is
 * following something (a run in progress) without any script.
 */
export function page(
  title: string,
  section: Section | null,
  body: Html,
  options: { refreshSeconds?: number } = {},
): string {
  const nav = (href: string, label: string, id: Section) =>
    html`<a href="${href}" class="${section === id ? 'on' : ''}">${label}</a>`;
  const refresh = options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}">` : '';
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${refresh}
<title>${title} · spoc</title><style>${new Html(STYLE)}</style></head>
<body><header><strong>spoc</strong>${nav('/', 'Overview', 'overview')}${nav('/accounts', 'Accounts', 'accounts')}${nav('/people', 'People', 'people')}${nav('/connections', 'Connections', 'connections')}</header>
<main>${body}</main><script>${new Html(LOCAL_TIME)}</script></body></html>`.text;
}

export function statusBadge(status: string): Html {
  return html`<span class="badge s-${status}">${status}</span>`;
}
