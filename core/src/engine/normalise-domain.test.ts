import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseDomain } from './normalise-domain.ts';

describe('normaliseDomain', () => {
  it.each([
    ['acme.com', 'acme.com'],
    ['https://www.Acme.com/about?x=1#top', 'acme.com'],
    ['HTTP://WWW.ACME.COM:8443/', 'acme.com'],
    ['  acme.com.  ', 'acme.com'],
    ['www2.acme.co.uk', 'acme.co.uk'],
    ['//cdn.acme.com/path', 'cdn.acme.com'],
    ['https://user:pw@acme.com', 'acme.com'],
    ['shop.acme.com?ref=ad', 'shop.acme.com'],
  ])('%s → %s', (raw, expected) => {
    expect(normaliseDomain(raw)).toBe(expected);
  });

  it.each(['', '   ', 'n/a', 'localhost', 'https://', 'www.', '-'])('"%s" is no domain (never links)', (raw) => {
    expect(normaliseDomain(raw)).toBe('');
  });

  it('the bare-host shortcut gives what the full steps give, for any input', () => {
    const piece = fc.constantFrom(
      'www',
      'www2',
      'acme',
      'Shop',
      'co',
      'uk',
      '-',
      '1',
      'http',
      ':',
      '/',
      '.',
      '@',
      '?',
      '#',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const raw = pieces.join('');
        // A leading blank never passes the shortcut, and the full steps trim it away.
        expect(normaliseDomain(raw)).toBe(normaliseDomain(` ${raw}`));
      }),
      { numRuns: 500 },
    );
  });
});
