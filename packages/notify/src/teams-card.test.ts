import { describe, expect, it } from 'vitest';
import { digest, handover, refusal } from '../test/notices.ts';
import { TEAMS_LIMITS, teamsCard } from './teams-card.ts';

const card = (m: ReturnType<typeof teamsCard>) => m.attachments[0].content;

describe('teamsCard', () => {
  it('wraps an Adaptive Card 1.4 in a message as Workflows expect', () => {
    const m = teamsCard(handover());
    expect(m.type).toBe('message');
    expect(m.attachments[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card(m)).toMatchObject({ type: 'AdaptiveCard', version: '1.4' });
  });

  it('a handover holds the name in a TextRun, the facts, and links as OpenUrl actions', () => {
    const json = JSON.stringify(card(teamsCard(handover({ accountName: '**[Acme](https://evil.test)**' }))));
    expect(json).toContain('{"type":"TextRun","text":"**[Acme](https://evil.test)**"');
    expect(json).toContain('{"title":"Previous POC","value":"Ann Lee \\\\(ann@acme.test\\\\)"}');
    expect(json).toContain('"selectAction":{"type":"Action.OpenUrl","url":"https://acme.my.salesforce.com/001A"}');
    expect(json).toContain('Open tickets moved to the new POC (1)');
  });

  it('a digest of 5,000 handovers stays under the 28 KB message limit and counts the rest', () => {
    const m = teamsCard(digest(5000));
    expect(Buffer.byteLength(JSON.stringify(m))).toBeLessThanOrEqual(TEAMS_LIMITS.bytes);
    const json = JSON.stringify(m);
    expect(json).toMatch(/…and \d+ more/);
    expect(json).toContain('Customer 0000');
  });

  it('a refusal carries the command; a date function in a message is not run', () => {
    const json = JSON.stringify(card(teamsCard(refusal({ message: 'at {{DATE(2017-02-14T06:08:39Z, SHORT)}}' }))));
    expect(json).toContain('spoc sync --force -c spoc.yaml');
    expect(json).toContain('Raised: Run refused by the safety guard');
    expect(json).not.toContain('{{DATE');
  });
});
