import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeLinkLabel, escapeMrkdwn, escapeSlackControl, slackLink, unescapeMrkdwn } from './slack-text.ts';

/** Every `<…>` Slack would parse in escaped text; the only one escapeMrkdwn writes is its date fallback. */
const controls = (text: string) => [...text.matchAll(/<[^>]*>/g)].map((m) => m[0]);
const DATE_FALLBACK = /^<!date\^00000000\^\{_\}\|[*_~`]>$/;
/** `&` not starting one of the three entities. */
const bareAmpersand = /&(?!(amp|lt|gt);)/;
const anyText = fc.oneof(
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom('<', '>', '&', '!', '@', '#', '^', '|', '*', '_', '~', '`', '\n', 'a', ' ', ':') }),
);

describe('escapeMrkdwn', () => {
  it('leaves no < or > but its own date fallbacks, no bare &, and so no mention or broadcast, for any string', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const out = escapeMrkdwn(s);
        for (const c of controls(out)) expect(c).toMatch(DATE_FALLBACK);
        expect(out.replace(/<!date\^00000000\^\{_\}\|[*_~`]>/g, '')).not.toMatch(/[<>]/);
        expect(out).not.toMatch(bareAmpersand);
        expect(out).not.toMatch(/<[@#]|<!(channel|here|everyone|subteam)/);
        expect(out).not.toMatch(/@(channel|here|everyone)\b/i);
      }),
    );
  });

  it('leaves no formatting character outside a date fallback, so *bold* renders as typed', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const outside = escapeMrkdwn(s).replace(/<!date\^00000000\^\{_\}\|[*_~`]>/g, '');
        expect(outside).not.toMatch(/[*_~`]/);
      }),
    );
  });

  it('reads back as typed (round trip), bar the two invisible marks it adds', () => {
    const typed = anyText.filter((s) => !s.includes('\u00ad') && !s.includes('\u2060'));
    fc.assert(
      fc.property(typed, (s) => {
        expect(unescapeMrkdwn(escapeMrkdwn(s))).toBe(s);
      }),
    );
  });

  it('turns the usual attacks into text', () => {
    expect(escapeMrkdwn('<!channel>')).toBe('&lt;!channel&gt;');
    expect(escapeMrkdwn('<@U123>')).toBe('&lt;@U123&gt;');
    expect(escapeMrkdwn('*bold*')).toBe('<!date^00000000^{_}|*>bold<!date^00000000^{_}|*>');
    expect(escapeMrkdwn('> quoted')).toBe('\u00ad&gt; quoted');
    expect(escapeMrkdwn('Ping @here')).toBe('Ping @\u2060here');
    expect(escapeMrkdwn('AT&T')).toBe('AT&amp;T');
  });
});

describe('escapeSlackControl and escapeLinkLabel', () => {
  it('escapeSlackControl leaves no control character for any string', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const out = escapeSlackControl(s);
        expect(out).not.toMatch(/[<>]/);
        expect(out).not.toMatch(bareAmpersand);
      }),
    );
  });

  it('a link label holds no control or formatting character for any string', () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const out = escapeLinkLabel(s);
        expect(out).not.toMatch(/[<>*_~`]/);
        expect(out).not.toMatch(bareAmpersand);
      }),
    );
  });

  it('slackLink links http(s) only, and a URL cannot end the link early', () => {
    expect(slackLink('https://x.test/a?b=1&c=2|3', 'Sales*force*')).toBe(
      '<https://x.test/a?b=1&amp;c=2%7C3|Sales\u2217force\u2217>',
    );
    expect(slackLink('javascript:alert(1)', 'Acme')).toBe('Acme');
    expect(slackLink(undefined, '<!here>')).toBe('&lt;!here&gt;');
    fc.assert(
      fc.property(fc.webUrl(), anyText, (url, label) => {
        const out = slackLink(url, label);
        expect(controls(out)).toHaveLength(1);
        expect(out.startsWith('<http')).toBe(true);
        expect(out.slice(1, -1)).not.toMatch(/[<>]/);
      }),
    );
  });
});
