// The channels and the real WebClient against the Slack and Teams emulators (what the sandbox serves).
import { WebAPIRateLimitedError, WebClient } from '@slack/web-api';
import { NoticeDeliveryError, type OutgoingNotice } from '@spoc/core';
import { generateSeed, type Sandbox, startSandbox } from '@spoc/sandbox';
import { parseFaults, startEmulator } from '@spoc/sandbox/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SlackSeed, slackApiUrl, slackEmulator, teamsEmulator, teamsWebhookUrl } from '../emulator/index.ts';
import { handover, refusal } from '../test/notices.ts';
import { createSlackChannel } from './slack-channel.ts';
import { unescapeMrkdwn } from './slack-text.ts';
import { createTeamsChannel } from './teams-channel.ts';

const TOKEN = 'xoxb-sandbox';
const seed = generateSeed({ accounts: 20 }, [slackEmulator, teamsEmulator]);
const slackSeed = seed.slack as SlackSeed;
const person = slackSeed.users.find((u) => !u.deleted)!;
const HOSTILE = '<!channel> *Acme* _x_ `y` ~z~ <@U123> & > co';

let sandbox: Sandbox<'slack' | 'teams'>;
beforeAll(async () => {
  sandbox = await startSandbox({ emulators: [slackEmulator, teamsEmulator], seed });
});
afterAll(() => sandbox.close());

const out = (over: Partial<OutgoingNotice> = {}): OutgoingNotice => ({
  key: 'k',
  channel: 'slack',
  notice: handover({ accountName: HOSTILE }),
  ...over,
});
const channel = (extra: Partial<Parameters<typeof createSlackChannel>[0]> = {}) =>
  createSlackChannel({
    name: 'slack',
    token: TOKEN,
    channel: '#handovers',
    directMessages: true,
    apiUrl: slackApiUrl(sandbox.urls.slack),
    ...extra,
  });

describe('Slack emulator with the real WebClient', () => {
  it('seeds one user per person of the world, found by email', async () => {
    const web = new WebClient(TOKEN, { slackApiUrl: slackApiUrl(sandbox.urls.slack) });
    expect(slackSeed.users.length).toBeGreaterThanOrEqual(8);
    const found = await web.users.lookupByEmail({ email: person.email });
    expect(found.user?.id).toBe(person.id);
    expect((await web.auth.test()).ok).toBe(true);
  });

  it('check: a working token passes; a refused one, or an app installed without the scopes DMs need, says which', async () => {
    expect(await channel().check?.()).toEqual({ problems: [] });
    expect(await channel({ token: 'xoxb-invalid' }).check?.()).toEqual({
      problems: ['Slack refused auth.test: invalid_auth'],
    });
    const short = 'xoxb-scopes-chat:write+users:read';
    expect(await channel({ token: short }).check?.()).toEqual({
      problems: [
        'the Slack app lacks the scopes users:read.email, im:write (add them under OAuth & Permissions, then reinstall the app)',
      ],
    });
    // Without direct messages, posting is all it needs.
    expect(await channel({ token: short, directMessages: false }).check?.()).toEqual({ problems: [] });
  });

  it('a hostile account name posted to #handovers reads back as typed and pings nobody', async () => {
    await channel().deliver(out());
    const web = new WebClient(TOKEN, { slackApiUrl: slackApiUrl(sandbox.urls.slack) });
    const history = await web.conversations.history({ channel: 'C0HANDOVERS', limit: 1 });
    const message = history.messages?.[0] as {
      text: string;
      blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[];
    };
    expect(message.blocks[0]?.text?.text).toBe(`Handover: ${HOSTILE}`);
    expect(message.text).not.toMatch(/<[!@#]/);
    const fields = message.blocks[1]?.fields?.map((f) => unescapeMrkdwn(f.text)) ?? [];
    expect(fields[0]).toBe('*Role*\nowner');
    for (const block of message.blocks.slice(1)) expect(JSON.stringify(block)).not.toMatch(/<[@#]|<!channel|<!here/);
  });

  it("a direct message goes to the person's D… conversation; an unknown email and a bad token say why", async () => {
    await channel().deliver(out({ recipient: { email: person.email } }));
    const web = new WebClient(TOKEN, { slackApiUrl: slackApiUrl(sandbox.urls.slack) });
    const dm = await web.conversations.open({ users: person.id });
    expect(dm.channel?.id).toMatch(/^D/);
    const history = await web.conversations.history({ channel: dm.channel!.id! });
    expect(history.messages).toHaveLength(1);

    await expect(channel().deliver(out({ recipient: { email: 'nobody@nowhere.test' } }))).rejects.toThrow(
      'Slack knows no user with the email nobody@nowhere.test (users_not_found)',
    );
    await expect(channel({ token: 'xoxb-invalid' }).deliver(out())).rejects.toThrow(
      'Slack refused chat.postMessage: invalid_auth',
    );
    await expect(channel({ channel: '#nope' }).deliver(out())).rejects.toThrow('channel_not_found');
  });

  it('limits a channel to its burst then one a second (Retry-After); the paced channel is never refused', async () => {
    const slack = await startEmulator(slackEmulator, slackSeed, { faults: parseFaults('slack.postBurst=2') });
    try {
      const raw = new WebClient(TOKEN, { slackApiUrl: slackApiUrl(slack.url), rejectRateLimitedCalls: true });
      await raw.chat.postMessage({ channel: '#spoc-alerts', text: 'one' });
      await raw.chat.postMessage({ channel: '#spoc-alerts', text: 'two' });
      const limited = await raw.chat.postMessage({ channel: '#spoc-alerts', text: 'three' }).catch((e) => e);
      expect(limited).toBeInstanceOf(WebAPIRateLimitedError);
      expect(limited.retryAfter).toBe(1);
      // Another channel has its own allowance.
      expect((await raw.chat.postMessage({ channel: '#handovers', text: 'four' })).ok).toBe(true);

      await new Promise((r) => setTimeout(r, 2100));
      const before = slack.stats().statuses['429'] ?? 0;
      const paced = channel({ apiUrl: slackApiUrl(slack.url), channel: '#spoc-alerts' });
      const started = Date.now();
      await Promise.all([1, 2, 3].map(() => paced.deliver(out({ notice: refusal() }))));
      expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
      expect(slack.stats().statuses['429'] ?? 0).toBe(before);
    } finally {
      await slack.close();
    }
  });

  it('in a 429 storm it honours Retry-After up to its budget, then gives the notice back with retryAfterMs', async () => {
    const slack = await startEmulator(slackEmulator, slackSeed, { faults: parseFaults('429=1') });
    try {
      const stormy = channel({ apiUrl: slackApiUrl(slack.url), maxRateLimitWaitMs: 2500 });
      const started = Date.now();
      const error = await stormy.deliver(out()).catch((e) => e);
      expect(error).toBeInstanceOf(NoticeDeliveryError);
      expect(error.retryAfterMs).toBe(1000);
      // Two waits of Retry-After: 1 fitted the 2.5 s budget; three requests in all.
      expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
      expect(slack.stats().requests['POST /api/chat.postMessage']).toBe(3);

      slack.faults.set(parseFaults('429=0.6,seed=3'));
      await channel({ apiUrl: slackApiUrl(slack.url), channel: '#spoc-alerts' }).deliver(out());
      const web = new WebClient(TOKEN, { slackApiUrl: slackApiUrl(slack.url), rejectRateLimitedCalls: true });
      slack.faults.set(parseFaults(''));
      const history = await web.conversations.history({ channel: 'spoc-alerts' });
      expect(history.messages).toHaveLength(1);
    } finally {
      await slack.close();
    }
  });
});

describe('Teams emulator', () => {
  it('accepts the card with 202 and lists what it received in order; without sig it refuses', async () => {
    const teams = createTeamsChannel({ name: 'teams', webhookUrl: teamsWebhookUrl(sandbox.urls.teams) });
    await teams.deliver({ key: 'a', channel: 'teams', notice: handover({ accountName: 'First' }) });
    await teams.deliver({ key: 'b', channel: 'teams', notice: refusal() });
    const listed = (await (await fetch(`${sandbox.urls.teams}/__sandbox/messages`)).json()) as {
      messages: { webhook: string; kind: string; body: { attachments: { content: { body: unknown[] } }[] } }[];
    };
    expect(listed.messages.map((m) => m.kind)).toEqual(['workflow', 'workflow']);
    expect(JSON.stringify(listed.messages[0]?.body)).toContain('First');
    expect(JSON.stringify(listed.messages[1]?.body)).toContain('spoc sync --force -c spoc.yaml');

    const unsigned = createTeamsChannel({
      name: 'teams',
      webhookUrl: `${sandbox.urls.teams}/workflows/spoc/triggers/manual/paths/invoke?api-version=1`,
    });
    await expect(unsigned.deliver({ key: 'c', channel: 'teams', notice: refusal() })).rejects.toThrow('HTTP 401');
  });
});
