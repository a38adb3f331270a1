import type { OwnershipReport } from '@spoc/core';
import { describe, expect, it } from 'vitest';
import { renderOwnershipCsv } from './render-csv.ts';

const owners = (sf: string | null, hs: string | null) => ({ salesforce: sf, hubspot: hs }) as never;

const report: OwnershipReport = {
  accounts: [
    {
      account: 'salesforce:1',
      name: 'Acme, "the" Inc\nEurope',
      roles: {
        account_owner: { status: 'drift', owners: owners('a@x.test', 'b@x.test'), decided: 'a@x.test' },
        csm: { status: 'missing', owners: owners(null, null), decided: null },
      },
    },
    {
      account: 'salesforce:2',
      name: '=HYPERLINK("http://evil.test","x")',
      roles: { account_owner: { status: 'consistent', owners: owners('@c', '-1+1'), decided: '+c' } },
    },
  ],
  summary: {},
};

describe('renderOwnershipCsv', () => {
  it('quotes as RFC 4180 says: CRLF records, commas, quotes and line breaks in double quotes, quotes doubled', () => {
    expect(renderOwnershipCsv(report, ['salesforce', 'hubspot']).split('\r\n').slice(0, 4)).toEqual([
      'account,name,role,salesforce,hubspot,decided,status',
      'salesforce:1,"Acme, ""the"" Inc\nEurope",account_owner,a@x.test,b@x.test,a@x.test,drift',
      'salesforce:1,"Acme, ""the"" Inc\nEurope",csm,,,,missing',
      // A formula gets an apostrophe in front, whichever column it is in (OWASP CSV injection).
      `salesforce:2,"'=HYPERLINK(""http://evil.test"",""x"")",account_owner,'@c,'-1+1,'+c,consistent`,
    ]);
  });

  it('ends with a record delimiter and has one column per enabled system', () => {
    const csv = renderOwnershipCsv(report, ['salesforce']);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.split('\r\n')[0]).toBe('account,name,role,salesforce,decided,status');
  });
});
