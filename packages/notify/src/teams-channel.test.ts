import { Writable } from 'node:stream';
import { NoticeDeliveryError, type OutgoingNotice } from '@spoc/core';
import nock from 'nock';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handover } from '../test/notices.ts';
import { createTeamsChannel } from './teams-channel.ts';

const HOST = 'https://prod-01.westeurope.logic.azure.com';
const PATH = '/workflows/abc/triggers/manual/paths/invoke';
const URL_ = `${HOST}${PATH}?api-version=2016-06-01&sig=SECRETSIG`;
const notice: OutgoingNotice = { key: 'k', channel: 'teams', notice: handover() };

beforeEach(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('createTeamsChannel', () => {
  it('POSTs the Adaptive Card message to the webhook; a Workflow answers 202', async () => {
    let sent: { type?: string; attachments?: { contentType: string; content: { version: string } }[] } = {};
    const scope = nock(HOST)
      .post(PATH, (body) => {
        sent = body;
        return true;
      })
      .query(true)
      .matchHeader('content-type', 'application/json')
      .reply(202);
    await createTeamsChannel({ name: 'teams', webhookUrl: URL_ }).deliver(notice);
    expect(scope.isDone()).toBe(true);
    expect(sent.type).toBe('message');
    expect(sent.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(sent.attachments?.[0]?.content.version).toBe('1.4');
  });

  it('a classic webhook succeeds with 200 "1" and fails with 200 and an error text', async () => {
    const channel = createTeamsChannel({ name: 'teams', webhookUrl: URL_ });
    nock(HOST).post(PATH).query(true).reply(200, '1');
    await channel.deliver(notice);
    nock(HOST).post(PATH).query(true).reply(200, 'Microsoft Teams endpoint returned HTTP error 413');
    await expect(channel.deliver(notice)).rejects.toThrow(
      'answered HTTP 200: Microsoft Teams endpoint returned HTTP error 413',
    );
  });

  it('429 and 5xx become NoticeDeliveryError with Retry-After in ms', async () => {
    const channel = createTeamsChannel({ name: 'teams', webhookUrl: URL_ });
    nock(HOST).post(PATH).query(true).reply(429, 'slow down', { 'retry-after': '5' });
    const limited = await channel.deliver(notice).catch((e) => e);
    expect(limited).toBeInstanceOf(NoticeDeliveryError);
    expect(limited.retryAfterMs).toBe(5000);
    nock(HOST).post(PATH).query(true).reply(502);
    const down = await channel.deliver(notice).catch((e) => e);
    expect(down).toBeInstanceOf(NoticeDeliveryError);
    expect(down.message).toBe('Teams webhook for teams answered HTTP 502');
    expect(down.retryAfterMs).toBeUndefined();
  });

  it('a webhook that does not answer in time fails with a NoticeDeliveryError', async () => {
    nock(HOST).post(PATH).query(true).delay(500).reply(202);
    const error = await createTeamsChannel({ name: 'teams', webhookUrl: URL_, timeoutMs: 50 })
      .deliver(notice)
      .catch((e) => e);
    expect(error).toBeInstanceOf(NoticeDeliveryError);
    expect(error.message).toBe('Teams webhook for teams did not answer: no answer within 50 ms');
  });

  it('never puts the webhook URL in an error or a log line', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'debug' },
      new Writable({
        write(c, _e, done) {
          lines.push(String(c));
          done();
        },
      }),
    );
    const channel = createTeamsChannel({ name: 'teams', webhookUrl: URL_, logger });
    nock(HOST).post(PATH).query(true).reply(503, `no flow at ${URL_}`);
    const error = await channel.deliver(notice).catch((e) => e);
    expect(error.message).toContain('[webhook]');
    expect(error.message).not.toContain('SECRETSIG');
    nock(HOST).post(PATH).query(true).replyWithError(`connect ECONNREFUSED ${URL_}`);
    const refused = await channel.deliver(notice).catch((e) => e);
    expect(refused).toBeInstanceOf(NoticeDeliveryError);
    expect(refused.message).not.toContain('SECRETSIG');
    expect(lines.join('')).not.toContain('SECRETSIG');
    expect(() => createTeamsChannel({ name: 't', webhookUrl: 'ftp://x/SECRETSIG' })).toThrow(/not an http\(s\) URL/);
    try {
      createTeamsChannel({ name: 't', webhookUrl: 'ftp://x/SECRETSIG' });
    } catch (e) {
      expect(String(e)).not.toContain('SECRETSIG');
    }
  });
});
