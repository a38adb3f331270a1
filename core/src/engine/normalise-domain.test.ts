import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseDomain } from './normalise-domain.ts';
import { normaliseReference, salesforceIdSuffix } from './normalise-reference.ts';

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

describe('normaliseReference (Salesforce 15/18-character ids)', () => {
  // Worked by hand from Salesforce's rule: per 5-character chunk, bit i set when
  // character i is an upper-case letter, looked up in A–Z0–5.
  it('computes the documented checksum', () => {
    expect(salesforceIdSuffix('001000000000001')).toBe('AAA');
    expect(salesforceIdSuffix('001Dn00000AbCdE')).toBe('IAV');
  });

  it('an 18-character id compares equal to its 15-character form, case-sensitively', () => {
    expect(normaliseReference('001Dn00000AbCdEIAV')).toBe('001Dn00000AbCdE');
    expect(normaliseReference('001Dn00000AbCdEiav')).toBe('001Dn00000AbCdE');
    expect(normaliseReference(' 001Dn00000AbCdE ')).toBe('001Dn00000AbCdE');
    // Same characters, other case: another record in Salesforce.
    expect(normaliseReference('001dn00000abcdeAAA')).not.toBe('001Dn00000AbCdE');
  });

  it('keeps 18-character values that are not Salesforce ids whole', () => {
    expect(normaliseReference('ACMECORPORATION123')).toBe('ACMECORPORATION123');
    expect(normaliseReference('customer-00000042')).toBe('customer-00000042');
  });
});
