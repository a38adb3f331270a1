/**
 * Markdown for text that comes from the CRMs (account names, emails, vendor messages):
 * it must read as the text it is on GitHub, never as markup, and never break a table.
 *
 * - `&`, `<`, `>` become entities, so no HTML tag or comment opens (GitHub renders a
 *   subset of raw HTML in comments).
 * - The characters GFM gives inline meaning get a backslash (CommonMark allows a backslash
 *   before any ASCII punctuation: https://spec.commonmark.org/0.31.2/#backslash-escapes):
 *   emphasis `*` `_`, code `` ` ``, links and images `[` `]`, strikethrough `~`, GitHub's
 *   math `$`, the table delimiter `|` (https://github.github.com/gfm/#tables-extension-),
 *   and the backslash itself.
 * - Line breaks and tabs become spaces: a cell or a line stays one line.
 * - What GitHub links after rendering, on the text itself, gets a word joiner (U+2060,
 *   invisible): `@name` (a mention that would notify someone), `#123` (an issue reference),
 *   and `www.` / `://` (extended autolinks, https://github.github.com/gfm/#autolinks-extension-).
 *   An email address (`a@b.test`, an `@` after a letter) is no mention and stays as it is.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[&<>]/g, (c) => ENTITIES[c as keyof typeof ENTITIES])
    .replace(/[\\`*_[\]~$|]/g, '\\$&')
    .replace(/(^|[^\p{L}\p{N}_])([@#])(?=[\p{L}\p{N}_])/gu, `$1$2${JOINER}`)
    .replace(/(w)(ww\.)/gi, `$1${JOINER}$2`)
    .replace(/:\/\//g, `:${JOINER}//`);
}

const JOINER = '\u2060';
const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;' } as const;

/** A GFM table; every cell (and header) is escaped. Right-aligned columns by index. */
export function markdownTable(header: string[], rows: string[][], right: number[] = []): string {
  const line = (cells: string[]) => `| ${cells.map((c) => (c === '' ? ' ' : escapeMarkdown(c))).join(' | ')} |`;
  const rule = `| ${header.map((_, i) => (right.includes(i) ? '---:' : '---')).join(' | ')} |`;
  return [line(header), rule, ...rows.map((r) => line(header.map((_, i) => r[i] ?? '')))].join('\n');
}
