/**
 * CRM names are data, not Adaptive Card markup. A TextBlock (and a FactSet's title and
 * value in Teams) reads a CommonMark subset: `**bold**`, `_italic_`, `- ` and `1. `
 * lists, `[title](url)` links, and `{{DATE(…)}}` / `{{TIME(…)}}` functions
 * (https://learn.microsoft.com/en-us/adaptive-cards/authoring-cards/text-features;
 * Teams: https://learn.microsoft.com/en-us/microsoftteams/platform/task-modules-and-cards/cards/cards-format).
 * CommonMark's backslash escape (https://spec.commonmark.org/0.31.2/#backslash-escapes)
 * covers every ASCII punctuation character, so the ones the subset (and CommonMark
 * around it) gives meaning to are escaped. A TextRun (inside a RichTextBlock) reads no
 * markdown at all ("Markdown is not supported",
 * https://learn.microsoft.com/en-us/adaptive-cards/schema-explorer/text-run): teams-card.ts
 * puts names there, and only breaks up `{{` so no date function runs.
 */

/** Characters CommonMark (and so the card's subset) may read as markup, anywhere in a line. */
const INLINE = /[\\*_[\]()~`<>#{}!|]/g;

/** Text for a TextBlock or a Fact that renders as typed. */
export function escapeCardMarkdown(text: string): string {
  return text
    .replace(INLINE, (c) => `\\${c}`)
    .replace(/(^|[\r\n])([ \t]*)([-+])/g, '$1$2\\$3')
    .replace(/(^|[\r\n])([ \t]*)(\d+)([.)])/g, '$1$2$3\\$4');
}

/** What a reader sees for escaped card markdown: the inverse of escapeCardMarkdown. */
export function unescapeCardMarkdown(text: string): string {
  return text.replace(/\\([\\*_[\]()~`<>#{}!|+\-.)])/g, '$1');
}

/** U+200B ZERO WIDTH SPACE between two braces: `{{DATE(…)}}` from data stays text in a TextRun. */
export function escapeTextRun(text: string): string {
  return text.replace(/\{(?=\{)/g, '{\u200b');
}

/** The inverse of escapeTextRun (for text without U+200B after `{`). */
export function unescapeTextRun(text: string): string {
  return text.replace(/\{\u200b(?=\{)/g, '{');
}
