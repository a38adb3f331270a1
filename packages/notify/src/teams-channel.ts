/**
 * Delivers notices to a Teams channel by POSTing the card (teams-card.ts) to its webhook.
 * A Workflows webhook ("When a Teams webhook request is received") answers 202 Accepted;
 * a classic incoming webhook answers 200 with the body "1", and 200 with an error text
 * otherwise (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using,
 * and the Teams team's word on the "1": https://github.com/atc0005/go-teams-notify/issues/59).
 * More than four requests a second are throttled with 429
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook).
 * 429, 5xx and timeouts become NoticeDeliveryError (with Retry-After when given): the
 * outbox retries. The webhook URL is a secret: it is never logged nor put in an error.
 */
import { type NoticeChannel, NoticeDeliveryError, type OutgoingNotice } from '@spoc/core';
import type { Logger } from 'pino';
import { z } from 'zod';
import { teamsCard } from './teams-card.ts';

export interface TeamsChannelOptions {
  name: string;
  /** The Workflows (or classic incoming) webhook URL: a secret. */
  webhookUrl: string;
  logger?: Logger;
  /** Per request (default 10 s). */
  timeoutMs?: number;
}

const optionsSchema = z.object({
  name: z.string().min(1),
  webhookUrl: z.url({ protocol: /^https?$/, error: 'the Teams webhook URL must be an http(s) URL' }),
  timeoutMs: z.number().int().positive().default(10_000),
});

export function createTeamsChannel(options: TeamsChannelOptions): NoticeChannel {
  const { logger, ...rest } = options;
  const parsed = optionsSchema.safeParse(rest);
  // zod's message would quote the input: say what is wrong without the secret.
  if (!parsed.success) throw new Error(`Teams channel ${options.name}: the webhook URL is not an http(s) URL`);
  const o = parsed.data;
  const log = logger?.child({ channel: o.name, service: 'teams' });
  const hide = (text: string) => text.split(o.webhookUrl).join('[webhook]');

  return {
    name: o.name,
    async deliver(notice: OutgoingNotice): Promise<void> {
      if (notice.recipient) {
        throw new NoticeDeliveryError(
          `Teams channel ${o.name} cannot send direct messages (a webhook posts to one channel)`,
        );
      }
      let response: Response;
      try {
        response = await fetch(o.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(teamsCard(notice.notice)),
          redirect: 'error',
          signal: AbortSignal.timeout(o.timeoutMs),
        });
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        const why = timedOut ? `no answer within ${o.timeoutMs} ms` : hide(describe(error));
        throw new NoticeDeliveryError(`Teams webhook for ${o.name} did not answer: ${why}`);
      }
      const body = hide((await response.text().catch(() => '')).slice(0, 300));
      if (response.status === 202 || (response.status === 200 && (body.trim() === '1' || body.trim() === ''))) {
        log?.debug({ key: notice.key, kind: notice.notice.kind, status: response.status }, 'posted');
        return;
      }
      const retryAfterMs = retryAfter(response.headers.get('retry-after'));
      const detail = body ? `: ${body}` : '';
      if (response.status === 429 || response.status >= 500) {
        log?.warn({ status: response.status, retryAfterMs }, 'Teams webhook asked to come back later');
      }
      throw new NoticeDeliveryError(
        `Teams webhook for ${o.name} answered HTTP ${response.status}${detail}`,
        retryAfterMs,
      );
    },
  };
}

/** Retry-After as seconds or an HTTP date (https://www.rfc-editor.org/rfc/rfc9110#field.retry-after). */
function retryAfter(header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}
