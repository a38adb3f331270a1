/**
 * CRM names are data, not Slack markup. Slack parses `&`, `<` and `>` as control
 * characters in every text it formats and asks for them as HTML entities
 * (https://api.slack.com/reference/surfaces/formatting#escaping); that alone stops
 * `<!channel>`, `<@U123>`, `<#C123>` and `<!subteam^…>` from pinging anyone.
 *
 * Slack has no escape for the formatting characters `*`, `_`, `~` and `` ` ``. A
 * zero-width space does not help: jsx-slack found it *enables* formatting inside words
 * ("exact mode", https://github.com/yhatt/jsx-slack/blob/main/docs/about-escape-and-exact-mode.md).
 * What renders them as typed is a date token's fallback text, which Slack shows
 * verbatim when the date format is invalid (`<!date^00000000^{_}|*>`, the same page;
 * date tokens: https://api.slack.com/reference/surfaces/formatting#date-formatting).
 * Link labels cannot hold a date token, so there the characters become look-alikes.
 * Where a name needs no link, prefer a `plain_text` object (slack-message.ts does for
 * its header), which Slack never formats.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };

/** Slack's three control characters as entities: a plain fallback `text` that can ping nobody. */
export function escapeSlackControl(text: string): string {
  return text.replace(/[&<>]/g, (c) => ENTITIES[c] ?? c);
}

const FORMATTING = /[*_~`]/g;
const dateFallback = (c: string) => `<!date^00000000^{_}|${c}>`;
/** U+2060 WORD JOINER after `@`: `@here` stays readable but is no broadcast word even with link_names. */
const BROADCAST = /@(channel|here|everyone)\b/gi;
const WORD_JOINER = '\u2060';
/** U+00AD SOFT HYPHEN before a line's `&gt;`: Slack would quote the line otherwise (jsx-slack, same page). */
const SOFT_HYPHEN = '\u00ad';

/** Text for a `mrkdwn` object or a message's text that Slack renders exactly as typed. */
export function escapeMrkdwn(text: string): string {
  return escapeSlackControl(text)
    .replace(BROADCAST, (_, word: string) => `@${WORD_JOINER}${word}`)
    .replace(FORMATTING, dateFallback)
    .replace(/(^|\n)&gt;/g, `$1${SOFT_HYPHEN}&gt;`);
}

/**
 * What a reader sees for escaped mrkdwn: the inverse of escapeMrkdwn (for text without
 * U+2060 after `@` or U+00AD before a line's `>`, the two invisible marks it adds).
 */
export function unescapeMrkdwn(text: string): string {
  return text
    .replace(/(^|\n)\u00ad&gt;/g, '$1&gt;')
    .replace(/<!date\^00000000\^\{_\}\|([*_~`])>/g, '$1')
    .replace(/@\u2060(channel|here|everyone)\b/gi, '@$1')
    .replace(/&(amp|lt|gt);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>' })[e] ?? '');
}

const LOOK_ALIKES: Record<string, string> = { '*': '\u2217', _: '\u02cd', '`': '\u02cb', '~': '\u223c' };

/** A link label: entities, and look-alikes for the formatting characters (no date token fits inside `<url|…>`). */
export function escapeLinkLabel(text: string): string {
  return escapeSlackControl(text)
    .replace(BROADCAST, (_, word: string) => `@${WORD_JOINER}${word}`)
    .replace(FORMATTING, (c) => LOOK_ALIKES[c] ?? c);
}

/**
 * `<url|label>`, or the escaped label alone when the URL is not http(s) (a `javascript:`
 * or `slack://` link from data is not followed). `|` and `>` cannot appear in the URL part.
 */
export function slackLink(url: string | undefined, label: string): string {
  if (url === undefined || !/^https?:\/\/[^\s]+$/i.test(url)) return escapeMrkdwn(label);
  const safeUrl = escapeSlackControl(url).replace(/\|/g, '%7C');
  return `<${safeUrl}|${escapeLinkLabel(label)}>`;
}
