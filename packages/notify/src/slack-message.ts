/**
 * A notice as a Slack message: Block Kit `blocks` and a plain `text` fallback (shown in
 * notifications and where blocks cannot be). Every CRM value goes through slack-text.ts.
 *
 * Limits (https://docs.slack.dev/reference/block-kit/blocks): at most 50 blocks a message;
 * a header's plain_text ≤ 150 characters; a section's text ≤ 3,000, its fields ≤ 10 of
 * ≤ 2,000 each; a context ≤ 10 elements. chat.postMessage truncates `text` past 40,000
 * characters and advises keeping it under 4,000
 * (https://docs.slack.dev/reference/methods/chat.postMessage#truncating-content).
 */
import type { HandoverDigest, HandoverNotice, Notice, RunAlert } from '@spoc/core';
import { alertTitle, personLabel, truncate, whyLabel } from './notice-words.ts';
import { escapeMrkdwn, escapeSlackControl, slackLink } from './slack-text.ts';

export interface SlackBlock {
  type: string;
  [key: string]: unknown;
}

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export const SLACK_LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  fallbackText: 4000,
  /** Handovers a digest lists before "…and N more" (the block and text caps may cut it shorter). */
  digestItems: 100,
} as const;

export function slackMessage(notice: Notice): SlackMessage {
  switch (notice.kind) {
    case 'handover':
      return handoverMessage(notice);
    case 'digest':
      return digestMessage(notice);
    case 'run':
      return alertMessage(notice);
  }
}

/** The escaped form of `raw`, cut (before escaping, so no entity or token is split) until it fits `max`. */
function fitted(raw: string, max: number): string {
  let n = raw.length;
  let out = escapeMrkdwn(raw);
  while (out.length > max && n > 0) {
    n = Math.floor(n * 0.8);
    out = escapeMrkdwn(truncate(raw, n));
  }
  return out;
}

const header = (text: string): SlackBlock => ({
  type: 'header',
  text: { type: 'plain_text', text: truncate(text, SLACK_LIMITS.headerText), emoji: false },
});
const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
const section = (text: string): SlackBlock => ({ type: 'section', text: mrkdwn(text) });
const field = (label: string, raw: string) =>
  mrkdwn(`*${escapeMrkdwn(label)}*\n${fitted(raw, SLACK_LIMITS.fieldText - 50)}`);
const plainText = (raw: string) => escapeSlackControl(truncate(raw, SLACK_LIMITS.fallbackText));

/** Lines joined into one section's text; lines that do not fit are counted in a closing "…and N more". */
function listSection(title: string, lines: string[], total: number): string {
  let text = title;
  let shown = 0;
  for (const line of lines) {
    const reserve = 40; // room for the closing "…and N more"
    if (text.length + 1 + line.length > SLACK_LIMITS.sectionText - reserve) break;
    text += `\n${line}`;
    shown++;
  }
  if (shown < total) text += `\n…and ${total - shown} more`;
  return text;
}

function handoverMessage(h: HandoverNotice): SlackMessage {
  const blocks: SlackBlock[] = [
    header(`Handover: ${h.accountName}`),
    {
      type: 'section',
      fields: [
        field('Role', h.role),
        field('Previous POC', personLabel(h.previous)),
        field('New POC', personLabel(h.next)),
        field('Why', whyLabel(h.why)),
      ],
    },
  ];
  if (h.links.length > 0) {
    const links = h.links.slice(0, 20).map((l) => slackLink(l.url, l.label));
    blocks.push({ type: 'context', elements: [mrkdwn(truncate(`Records: ${links.join(' · ')}`, 3000))] });
  }
  if (h.tickets.length > 0) {
    const lines = h.tickets.map((t) => `• ${slackLink(t.url, truncate(t.label, 200))}`);
    blocks.push(section(listSection(`*Open tickets moved to the new POC (${h.tickets.length})*`, lines, lines.length)));
  }
  return {
    text: plainText(`${h.accountName}: ${h.role} ${personLabel(h.previous)} → ${personLabel(h.next)}`),
    blocks,
  };
}

function digestLine(h: HandoverNotice): string {
  const line = `${escapeMrkdwn(truncate(h.accountName, 120))} · ${escapeMrkdwn(truncate(h.role, 60))}: ${escapeMrkdwn(
    truncate(personLabel(h.previous), 120),
  )} → ${escapeMrkdwn(truncate(personLabel(h.next), 120))}`;
  // A line of formatting characters escapes to many times its length; keep one line well inside a section.
  return line.length <= 1500 ? `• ${line}` : `• ${fitted(h.accountName, 1400)}`;
}

function digestMessage(d: HandoverDigest): SlackMessage {
  const total = d.handovers.length;
  const blocks: SlackBlock[] = [header(`${total} handover${total === 1 ? '' : 's'} in this run`)];
  const run = d.runUrl ? slackLink(d.runUrl, `Run ${d.runId}`) : escapeMrkdwn(`Run ${d.runId}`);
  blocks.push({ type: 'context', elements: [mrkdwn(run)] });

  const listed = d.handovers.slice(0, SLACK_LIMITS.digestItems);
  let shown = 0;
  let current = '';
  const flush = () => {
    if (current) blocks.push(section(current));
    current = '';
  };
  for (const h of listed) {
    const line = digestLine(h);
    if (current && current.length + 1 + line.length > SLACK_LIMITS.sectionText) {
      // Keep one block for the closing "…and N more".
      if (blocks.length >= SLACK_LIMITS.blocks - 2) break;
      flush();
    }
    current = current ? `${current}\n${line}` : line;
    shown++;
  }
  flush();
  if (shown < total) {
    const more = `…and ${total - shown} more${d.runUrl ? `: ${slackLink(d.runUrl, 'see the run')}` : ''}`;
    blocks.push({ type: 'context', elements: [mrkdwn(more)] });
  }
  return { text: plainText(`${total} handover${total === 1 ? '' : 's'} in run ${d.runId}`), blocks };
}

function alertMessage(a: RunAlert): SlackMessage {
  const title = alertTitle(a);
  const blocks: SlackBlock[] = [header(title), section(fitted(a.message, SLACK_LIMITS.sectionText))];
  const counts = Object.entries(a.counts ?? {}).slice(0, SLACK_LIMITS.fields);
  if (counts.length > 0) {
    blocks.push({ type: 'section', fields: counts.map(([k, v]) => field(truncate(k, 100), String(v))) });
  }
  if (a.command && a.state === 'raised') {
    // Inside a code span Slack applies no formatting; entities still apply, and a backtick would end the span.
    const command = escapeSlackControl(truncate(a.command, 500)).replace(/`/g, '\u02cb');
    blocks.push(section(`To go past it, run:\n\`${command}\``));
  }
  const run = a.runUrl ? slackLink(a.runUrl, `Run ${a.runId}`) : escapeMrkdwn(`Run ${a.runId}`);
  blocks.push({ type: 'context', elements: [mrkdwn(run)] });
  return { text: plainText(`${title}: ${a.message}`), blocks };
}
