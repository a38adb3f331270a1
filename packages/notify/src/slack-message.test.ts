import { describe, expect, it } from 'vitest';
import { digest, handover, refusal } from '../test/notices.ts';
import { SLACK_LIMITS, slackMessage } from './slack-message.ts';

const allText = (m: ReturnType<typeof slackMessage>) => JSON.stringify(m.blocks);

describe('slackMessage', () => {
  it('a handover names the account, role, previous → new POC, why, record links and moved tickets', () => {
    const m = slackMessage(handover());
    const blocks = allText(m);
    expect(m.blocks[0]).toEqual({
      type: 'header',
      text: { type: 'plain_text', text: 'Handover: Acme Corp', emoji: false },
    });
    expect(blocks).toContain('*Previous POC*\\nAnn Lee (ann@acme.test)');
    expect(blocks).toContain('*New POC*\\nBob Stone (bob@acme.test)');
    expect(blocks).toContain('Decided by Salesforce (changed by Carol Admin)');
    expect(blocks).toContain('<https://acme.my.salesforce.com/001A|Salesforce>');
    expect(blocks).toContain('<https://acme.zendesk.com/agent/tickets/12|Zendesk #12 Printer on fire>');
    expect(m.text).toBe('Acme Corp: owner Ann Lee (ann@acme.test) → Bob Stone (bob@acme.test)');
  });

  it('says why for a fallback and an admin handover, and "nobody" when no one held the role', () => {
    const fallback = allText(
      slackMessage(
        handover({ previous: null, why: { kind: 'fallback', system: 'HubSpot', previousState: 'inactive' } }),
      ),
    );
    expect(fallback).toContain('nobody');
    expect(fallback).toContain('the previous POC is inactive in HubSpot');
    expect(
      allText(slackMessage(handover({ why: { kind: 'admin', action: 'handover', by: 'root@acme.test' } }))),
    ).toContain('Admin handover in the console by root@acme.test');
  });

  it('a hostile account name pings nobody in blocks or text', () => {
    const m = slackMessage(handover({ accountName: '<!channel> *Acme*', role: '<@U123>' }));
    expect(m.text).not.toMatch(/<[!@#]/);
    for (const block of m.blocks.slice(1)) expect(JSON.stringify(block)).not.toMatch(/<[@#]|<!channel/);
  });

  it('a digest of 5,000 handovers stays within 50 blocks and 3,000-character sections, with the run link and the rest counted', () => {
    const m = slackMessage(digest(5000));
    expect(m.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const b of m.blocks) {
      const text = (b.text as { text?: string } | undefined)?.text ?? '';
      expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
    }
    const blocks = allText(m);
    expect(blocks).toContain('<https://spoc.example/runs/run-7|Run run-7>');
    expect(blocks).toMatch(/…and 4\d\d\d more: <https:\/\/spoc\.example\/runs\/run-7\|see the run>/);
    expect(blocks).toContain('Customer 0000 · owner: Ann Lee (ann@acme.test) → Bob Stone (bob@acme.test)');
    expect(m.text).toBe('5000 handovers in run run-7');
  });

  it('a digest whose names are all markup still fits', () => {
    const m = slackMessage(
      digest(200, { handovers: digest(200).handovers.map((h) => ({ ...h, accountName: '*'.repeat(300) })) }),
    );
    expect(m.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    for (const b of m.blocks) expect(((b.text as { text?: string })?.text ?? '').length).toBeLessThanOrEqual(3000);
  });

  it('a refusal says raised, the problem, the message, the counts and the command to force it', () => {
    const m = slackMessage(refusal());
    const blocks = allText(m);
    expect(blocks).toContain('Raised: Run refused by the safety guard');
    expect(blocks).toContain('The plan changes 120 account-roles; maxChanges is 50.');
    expect(blocks).toContain('*planned*\\n120');
    expect(blocks).toContain('`spoc sync --force -c spoc.yaml`');
    const cleared = allText(slackMessage(refusal({ state: 'cleared' })));
    expect(cleared).toContain('Cleared: Run refused by the safety guard');
    expect(cleared).not.toContain('--force');
  });
});
