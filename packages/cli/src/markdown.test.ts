import { describe, expect, it } from 'vitest';
import { escapeMarkdown, markdownTable } from './markdown.ts';

const J = '\u2060';

describe('escapeMarkdown', () => {
  it('turns HTML into entities and backslashes the inline markup', () => {
    expect(escapeMarkdown('Acme | <b>*x*</b> [y](z) `c` ~s~ $m$ _u_ \\ & co')).toBe(
      'Acme \\| &lt;b&gt;\\*x\\*&lt;/b&gt; \\[y\\](z) \\`c\\` \\~s\\~ \\$m\\$ \\_u\\_ \\\\ &amp; co',
    );
  });

  it('keeps one line', () => {
    expect(escapeMarkdown('a\nb\r\nc\td')).toBe('a b c d');
  });

  it('breaks mentions, issue references and autolinks, but leaves email addresses readable', () => {
    expect(escapeMarkdown('@octocat (#12) see https://x.test or www.x.test')).toBe(
      `@${J}octocat (#${J}12) see https:${J}//x.test or w${J}ww.x.test`,
    );
    expect(escapeMarkdown('anna@acme.test')).toBe('anna@acme.test');
  });
});

describe('markdownTable', () => {
  it('escapes every cell so a pipe in the data adds no column', () => {
    const t = markdownTable(['name', 'n'], [['A | B', '3']], [1]);
    expect(t.split('\n')).toEqual(['| name | n |', '| --- | ---: |', '| A \\| B | 3 |']);
  });
});
