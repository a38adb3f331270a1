import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeCardMarkdown, escapeTextRun, unescapeCardMarkdown, unescapeTextRun } from './card-text.ts';

const anyText = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({
    unit: fc.constantFrom(
      '*',
      '_',
      '[',
      ']',
      '(',
      ')',
      '{',
      '}',
      '-',
      '+',
      '1',
      '.',
      '\\',
      '\n',
      '\r',
      ' ',
      'a',
      '<',
      '~',
    ),
  }),
);

/** Characters of `out` that are not preceded by a backslash escape. */
function unescaped(out: string): string {
  return out.replace(/\\[\s\S]/g, '');
}

describe('escapeCardMarkdown', () => {
  it('leaves no markdown character unescaped and no line starting a list, for any string', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const bare = unescaped(escapeCardMarkdown(s));
        expect(bare).not.toMatch(/[*_[\]()~`<>#{}!|\\]/);
        expect(escapeCardMarkdown(s)).not.toMatch(/(^|[\r\n])[ \t]*([-+] |\d+[.)])/);
      }),
    );
  });

  it('reads back as typed (round trip)', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        expect(unescapeCardMarkdown(escapeCardMarkdown(s))).toBe(s);
      }),
    );
  });

  it('escapes links, emphasis, lists and date functions', () => {
    expect(escapeCardMarkdown('[click](https://evil.test)')).toBe('\\[click\\]\\(https://evil.test\\)');
    expect(escapeCardMarkdown('**Acme**')).toBe('\\*\\*Acme\\*\\*');
    expect(escapeCardMarkdown('- one\n2. two')).toBe('\\- one\n2\\. two');
    expect(escapeCardMarkdown('{{DATE(2017-02-14T06:08:39Z, SHORT)}}')).not.toContain('{{');
  });
});

describe('escapeTextRun', () => {
  it('never leaves "{{" (no date function runs) and reads back as typed', () => {
    const typed = anyText.filter((s) => !s.includes('\u200b'));
    fc.assert(
      fc.property(typed, (s) => {
        expect(escapeTextRun(s)).not.toContain('{{');
        expect(unescapeTextRun(escapeTextRun(s))).toBe(s);
      }),
    );
  });
});
