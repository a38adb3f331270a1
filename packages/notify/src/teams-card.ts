/**
 * A notice as a Teams message carrying one Adaptive Card (version 1.4), the shape a
 * Workflows webhook and a classic incoming webhook both take
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using#send-adaptive-cards-using-an-incoming-webhook).
 * Names sit in TextRuns (no markdown, card-text.ts); facts go through escapeCardMarkdown.
 * A message is at most 28 KB
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook):
 * a digest lists handovers until the card would pass TEAMS_LIMITS.bytes.
 */
import type { HandoverDigest, HandoverNotice, Notice, RunAlert } from '@spoc/core';
import { escapeCardMarkdown, escapeTextRun } from './card-text.ts';
import { alertTitle, personLabel, truncate, whyLabel } from './notice-words.ts';

export type CardElement = { type: string; [key: string]: unknown };

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.4';
  body: CardElement[];
  msteams?: { width: 'Full' };
}

export interface TeamsMessage {
  type: 'message';
  attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive'; contentUrl: null; content: AdaptiveCard }];
}

export const TEAMS_LIMITS = {
  /** Below the documented 28 KB, for the envelope a Workflow adds. */
  bytes: 26_000,
  digestItems: 100,
} as const;

export function teamsCard(notice: Notice): TeamsMessage {
  const body =
    notice.kind === 'handover'
      ? handoverBody(notice)
      : notice.kind === 'digest'
        ? digestBody(notice)
        : alertBody(notice);
  return wrap(body);
}

function wrap(body: CardElement[]): TeamsMessage {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          type: 'AdaptiveCard',
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          version: '1.4',
          body,
          msteams: { width: 'Full' },
        },
      },
    ],
  };
}

const isWebUrl = (url: string | undefined): url is string => url !== undefined && /^https?:\/\/\S+$/i.test(url);

/** A TextRun: plain text, a link when `url` is http(s). */
function run(text: string, style: Record<string, unknown> = {}, url?: string): CardElement {
  const element: CardElement = { type: 'TextRun', text: escapeTextRun(text), ...style };
  if (isWebUrl(url)) element.selectAction = { type: 'Action.OpenUrl', url };
  return element;
}

const rich = (inlines: CardElement[], extra: Record<string, unknown> = {}): CardElement => ({
  type: 'RichTextBlock',
  inlines,
  ...extra,
});

const title = (text: string): CardElement => rich([run(truncate(text, 200), { size: 'Medium', weight: 'Bolder' })]);

const facts = (pairs: [string, string][]): CardElement => ({
  type: 'FactSet',
  facts: pairs.map(([t, v]) => ({ title: escapeCardMarkdown(t), value: escapeCardMarkdown(truncate(v, 500)) })),
});

/** Links separated by " · ", after a label. */
function linkLine(label: string, links: { label: string; url?: string | undefined }[]): CardElement {
  const inlines: CardElement[] = [run(`${label} `, { isSubtle: true })];
  links.forEach((l, i) => {
    if (i > 0) inlines.push(run(' · ', { isSubtle: true }));
    inlines.push(run(truncate(l.label, 200), { color: 'Accent' }, l.url));
  });
  return rich(inlines, { wrap: true });
}

function handoverBody(h: HandoverNotice): CardElement[] {
  const body: CardElement[] = [
    rich([
      run('Handover: ', { size: 'Medium' }),
      run(truncate(h.accountName, 200), { size: 'Medium', weight: 'Bolder' }),
    ]),
    facts([
      ['Role', h.role],
      ['Previous POC', personLabel(h.previous)],
      ['New POC', personLabel(h.next)],
      ['Why', whyLabel(h.why)],
    ]),
  ];
  if (h.links.length > 0) body.push(linkLine('Records:', h.links.slice(0, 20)));
  if (h.tickets.length > 0) {
    body.push(rich([run(`Open tickets moved to the new POC (${h.tickets.length})`, { weight: 'Bolder' })]));
    const shown = h.tickets.slice(0, 50);
    for (const t of shown) body.push(rich([run('• '), run(truncate(t.label, 200), { color: 'Accent' }, t.url)]));
    if (shown.length < h.tickets.length) body.push(rich([run(`…and ${h.tickets.length - shown.length} more`)]));
  }
  return body;
}

function digestItem(h: HandoverNotice): CardElement {
  return rich(
    [
      run('• '),
      run(truncate(h.accountName, 120), { weight: 'Bolder' }, h.links[0]?.url),
      run(
        ` · ${truncate(h.role, 60)}: ${truncate(personLabel(h.previous), 120)} → ${truncate(personLabel(h.next), 120)}`,
      ),
    ],
    { wrap: true, spacing: 'None' },
  );
}

const size = (body: CardElement[]) => Buffer.byteLength(JSON.stringify(wrap(body)));

function digestBody(d: HandoverDigest): CardElement[] {
  const total = d.handovers.length;
  const body: CardElement[] = [
    title(`${total} handover${total === 1 ? '' : 's'} in this run`),
    rich([run(`Run ${d.runId}`, { isSubtle: true }, d.runUrl)]),
  ];
  const closing = (shown: number): CardElement =>
    rich([run(`…and ${total - shown} more`), ...(isWebUrl(d.runUrl) ? [run(': see the run', {}, d.runUrl)] : [])]);
  let shown = 0;
  for (const h of d.handovers.slice(0, TEAMS_LIMITS.digestItems)) {
    const item = digestItem(h);
    if (size([...body, item, closing(shown)]) > TEAMS_LIMITS.bytes) break;
    body.push(item);
    shown++;
  }
  if (shown < total) body.push(closing(shown));
  return body;
}

function alertBody(a: RunAlert): CardElement[] {
  const body: CardElement[] = [
    rich([
      run(alertTitle(a), { size: 'Medium', weight: 'Bolder', color: a.state === 'raised' ? 'Attention' : 'Good' }),
    ]),
    rich([run(truncate(a.message, 2000))], { wrap: true }),
  ];
  if (a.counts && Object.keys(a.counts).length > 0) {
    body.push(facts(Object.entries(a.counts).map(([k, v]) => [k, String(v)])));
  }
  if (a.command && a.state === 'raised') {
    body.push(rich([run('To go past it, run:')]));
    body.push(rich([run(truncate(a.command, 500), { fontType: 'Monospace' })], { wrap: true }));
  }
  body.push(rich([run(`Run ${a.runId}`, { isSubtle: true }, a.runUrl)]));
  return body;
}
