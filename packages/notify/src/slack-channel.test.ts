import { Writable } from 'node:stream';
import { NoticeDeliveryError, type OutgoingNotice } from '@spoc/core';
import nock from 'nock';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handover } from '../test/notices.ts';
import { createSlackChannel } from './slack-channel.ts';

const API = 'https://slack.test';
const TOKEN = 'xoxb-secret-token-123';

function captureLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

const notice = (over: Partial<OutgoingNotice> = {}): OutgoingNotice => ({
  key: 'k1',
  channel: 'slack',
  notice: handover(),
  ...over,
});

const form = (body: unknown) => body as Record<string, string>;

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  vi.useRealTimers();
});

describe('createSlackChannel', () => {
  it('posts a channel notice with chat.postMessage: Bearer token, the rendered text and blocks, no link_names', async () => {
    let sent: Record<string, string> = {};
    const scope = nock(API)
      .post('/api/chat.postMessage', (body) => {
        sent = form(body);
        return true;
      })
      .matchHeader('authorization', `Bearer ${TOKEN}`)
      .reply(200, { ok: true, channel: 'C1', ts: '1.000001' });
    const channel = createSlackChannel({ name: 'slack', token: TOKEN, channel: '#handovers', apiUrl: `${API}/api/` });
    await channel.deliver(notice());
    expect(scope.isDone()).toBe(true);
    expect(sent.channel).toBe('#handovers');
    expect(sent.link_names).toBe('false');
    expect(sent.text).toContain('Acme Corp: owner');
    expect(JSON.parse(sent.blocks ?? '[]')[0].text.text).toBe('Handover: Acme Corp');
  });

  it('a direct message looks the person up once per email, opens the DM and posts there', async () => {
    const posted: string[] = [];
    const scope = nock(API)
      .post('/api/users.lookupByEmail', (b) => b.email === 'bob@acme.test')
      .once()
      .reply(200, { ok: true, user: { id: 'U42' } })
      .post('/api/conversations.open', (b) => b.users === 'U42')
      .once()
      .reply(200, { ok: true, channel: { id: 'D42' } })
      .post('/api/chat.postMessage', (b) => {
        posted.push(form(b).channel ?? '');
        return true;
      })
      .times(2)
      .reply(200, { ok: true, ts: '1.1' });
    const channel = createSlackChannel({
      name: 'slack',
      token: TOKEN,
      channel: '#handovers',
      directMessages: true,
      apiUrl: `${API}/api/`,
      messageIntervalMs: 0,
    });
    const recipient = { email: 'bob@acme.test' };
    await channel.deliver(notice({ recipient }));
    await channel.deliver(notice({ key: 'k2', recipient }));
    expect(posted).toEqual(['D42', 'D42']);
    expect(scope.isDone()).toBe(true);
  });

  it('a person Slack does not know fails with a NoticeDeliveryError that says so', async () => {
    nock(API).post('/api/users.lookupByEmail').reply(200, { ok: false, error: 'users_not_found' });
    const channel = createSlackChannel({
      name: 'slack',
      token: TOKEN,
      channel: 'C1',
      directMessages: true,
      apiUrl: `${API}/api/`,
    });
    const error = await channel.deliver(notice({ recipient: { email: 'ghost@acme.test' } })).catch((e) => e);
    expect(error).toBeInstanceOf(NoticeDeliveryError);
    expect(error.message).toBe('Slack knows no user with the email ghost@acme.test (users_not_found)');
  });

  it('a refusal names Slack error code; an HTTP 503 gives its Retry-After', async () => {
    nock(API).post('/api/chat.postMessage').reply(200, { ok: false, error: 'channel_not_found' });
    const channel = createSlackChannel({
      name: 'slack',
      token: TOKEN,
      channel: 'C404',
      apiUrl: `${API}/api/`,
      messageIntervalMs: 0,
    });
    await expect(channel.deliver(notice())).rejects.toThrow('Slack refused chat.postMessage: channel_not_found');
    nock(API).post('/api/chat.postMessage').reply(503, 'down', { 'retry-after': '7' });
    const error = await channel.deliver(notice()).catch((e) => e);
    expect(error).toBeInstanceOf(NoticeDeliveryError);
    expect(error.retryAfterMs).toBe(7000);
  });

  it('paces messages to one channel a second apart', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const at: number[] = [];
    nock(API)
      .post('/api/chat.postMessage')
      .times(3)
      .reply(200, () => {
        at.push(Date.now());
        return { ok: true, ts: '1.1' };
      });
    const channel = createSlackChannel({ name: 'slack', token: TOKEN, channel: 'C1', apiUrl: `${API}/api/` });
    const all = Promise.all([channel.deliver(notice()), channel.deliver(notice()), channel.deliver(notice())]);
    await vi.advanceTimersByTimeAsync(2500);
    await all;
    expect(at).toHaveLength(3);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(1000);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(1000);
  });

  it('honours Retry-After on a 429 and posts once Slack allows it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const at: number[] = [];
    nock(API)
      .post('/api/chat.postMessage')
      .reply(() => {
        at.push(Date.now());
        return [429, { ok: false, error: 'ratelimited' }, { 'retry-after': '3' }];
      })
      .post('/api/chat.postMessage')
      .reply(200, () => {
        at.push(Date.now());
        return { ok: true, ts: '1.1' };
      });
    const channel = createSlackChannel({ name: 'slack', token: TOKEN, channel: 'C1', apiUrl: `${API}/api/` });
    let done = false;
    const delivery = channel.deliver(notice()).then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(2900);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(200);
    await delivery;
    expect(at).toHaveLength(2);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(3000);
  });

  it('past the wait budget it gives the notice back with retryAfterMs, without posting', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const scope = nock(API)
      .post('/api/chat.postMessage')
      .times(3)
      .reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': '20' });
    const channel = createSlackChannel({
      name: 'slack',
      token: TOKEN,
      channel: 'C1',
      apiUrl: `${API}/api/`,
      maxRateLimitWaitMs: 30_000,
    });
    const outcome = channel.deliver(notice()).catch((e) => e);
    await vi.advanceTimersByTimeAsync(25_000);
    const error = await outcome;
    expect(error).toBeInstanceOf(NoticeDeliveryError);
    expect(error.retryAfterMs).toBe(20_000);
    // One wait of 20 s fitted the 30 s budget; the second would not.
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  it('never logs the token', async () => {
    const { logger, lines } = captureLogger();
    nock(API).post('/api/chat.postMessage').reply(200, { ok: false, error: 'invalid_auth' });
    const channel = createSlackChannel({ name: 'slack', token: TOKEN, channel: 'C1', apiUrl: `${API}/api/`, logger });
    const error = await channel.deliver(notice()).catch((e) => e);
    expect(error.message).toBe('Slack refused chat.postMessage: invalid_auth');
    expect(lines.join('')).not.toContain(TOKEN);
    expect(error.message).not.toContain(TOKEN);
  });
});
