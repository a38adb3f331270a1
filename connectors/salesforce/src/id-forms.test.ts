import { describe, expect, it } from 'vitest';
import { normaliseReference, referenceForms, salesforceIdSuffix } from './id-forms.ts';

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

describe('referenceForms', () => {
  it('gives an Account id in its 15- and 18-character forms, and anything else as it is', () => {
    expect(referenceForms('001Dn00000AbCdE')).toEqual(['001Dn00000AbCdE', '001Dn00000AbCdEIAV']);
    expect(referenceForms('001Dn00000AbCdEIAV')).toEqual(['001Dn00000AbCdEIAV', '001Dn00000AbCdE']);
    expect(referenceForms('1000016')).toEqual(['1000016']);
  });
});
