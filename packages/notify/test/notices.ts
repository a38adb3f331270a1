// Notices for the tests, shaped as core builds them.
import type { HandoverDigest, HandoverNotice, RunAlert } from '@spoc/core';

export function handover(overrides: Partial<HandoverNotice> = {}): HandoverNotice {
  return {
    kind: 'handover',
    account: 'sf:001A',
    accountName: 'Acme Corp',
    links: [
      { label: 'Salesforce', url: 'https://acme.my.salesforce.com/001A' },
      { label: 'HubSpot', url: 'https://app.hubspot.com/contacts/1/company/42' },
    ],
    role: 'owner',
    previous: { email: 'ann@acme.test', name: 'Ann Lee' },
    next: { email: 'bob@acme.test', name: 'Bob Stone' },
    why: { kind: 'decided', system: 'Salesforce', changedBy: 'Carol Admin' },
    tickets: [{ label: 'Zendesk #12 Printer on fire', id: '12', url: 'https://acme.zendesk.com/agent/tickets/12' }],
    ...overrides,
  };
}

export function digest(count: number, overrides: Partial<HandoverDigest> = {}): HandoverDigest {
  return {
    kind: 'digest',
    runId: 'run-7',
    runUrl: 'https://spoc.example/runs/run-7',
    handovers: Array.from({ length: count }, (_, i) =>
      handover({ account: `sf:${i}`, accountName: `Customer ${String(i).padStart(4, '0')}` }),
    ),
    ...overrides,
  };
}

export function refusal(overrides: Partial<RunAlert> = {}): RunAlert {
  return {
    kind: 'run',
    problem: 'refused',
    state: 'raised',
    runId: 'run-8',
    message: 'The plan changes 120 account-roles; maxChanges is 50.',
    counts: { planned: 120, limit: 50 },
    command: 'spoc sync --force -c spoc.yaml',
    runUrl: 'https://spoc.example/runs/run-8',
    ...overrides,
  };
}
