/**
 * Delivers notices to Slack through @slack/web-api: to the configured channel, or as a
 * direct message to the notice's recipient (users.lookupByEmail, conversations.open).
 *
 * Rate limits. Messages are paced client-side per conversation (Pacer). On a 429 the
 * SDK parses Retry-After and, with `rejectRateLimitedCalls`, hands it back as a
 * WebAPIRateLimitedError instead of sleeping inside its request queue: its own wait has
 * no bound and cannot be cancelled, so a delivery already reported failed could still
 * post later (a duplicate once the outbox retries). Here the waits Slack asks for are
 * honoured up to `maxRateLimitWaitMs` in total, then the delivery fails with
 * NoticeDeliveryError(retryAfterMs) for the outbox to come back. The SDK's other retries
 * are off (`retries: 0`): a re-sent chat.postMessage after a 5xx or a timeout may post
 * twice, and the outbox retries anyway. Slack's limits:
 * https://docs.slack.dev/apis/web-api/rate-limits (429 with Retry-After in seconds).
 */
import {
  LogLevel,
  type Logger as SlackLogger,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
} from '@slack/web-api';
import { type NoticeChannel, NoticeDeliveryError, type OutgoingNotice } from '@spoc/core';
import type { Logger } from 'pino';
import { z } from 'zod';
import { Pacer, sleep } from './pacer.ts';
import { slackMessage } from './slack-message.ts';

export interface SlackChannelOptions {
  name: string;
  /** A bot token (xoxb-…); never logged. */
  token: string;
  /** Where channel notices go: an id (C…) or a name (#handovers). */
  channel: string;
  /** Whether notices with a recipient may go as direct messages (default false). */
  directMessages?: boolean;
  /** The Web API root (the sandbox's `${url}/api/`); default Slack's. */
  apiUrl?: string;
  logger?: Logger;
  /** Total Retry-After wait one delivery accepts before failing with retryAfterMs (default 30 s). */
  maxRateLimitWaitMs?: number;
  /** Per request (default 10 s). */
  timeoutMs?: number;
  /** Spacing of messages to one conversation (default 1,000 ms: Slack's one a second). */
  messageIntervalMs?: number;
}

const optionsSchema = z.object({
  name: z.string().min(1),
  token: z.string().min(1, 'a Slack token is required'),
  channel: z.string().min(1, 'a Slack channel is required'),
  directMessages: z.boolean().default(false),
  apiUrl: z.url({ protocol: /^https?$/ }).default('https://slack.com/api/'),
  maxRateLimitWaitMs: z.number().int().min(0).default(30_000),
  timeoutMs: z.number().int().positive().default(10_000),
  messageIntervalMs: z.number().int().min(0).default(1_000),
});

export function createSlackChannel(options: SlackChannelOptions): NoticeChannel {
  const { logger, ...rest } = options;
  const o = optionsSchema.parse(rest);
  const log = logger?.child({ channel: o.name, service: 'slack' });
  const client = new WebClient(o.token, {
    slackApiUrl: o.apiUrl.endsWith('/') ? o.apiUrl : `${o.apiUrl}/`,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: o.timeoutMs,
    logger: sdkLogger(log),
  });
  const pacer = new Pacer(o.messageIntervalMs);
  const users = new Map<string, Promise<string>>();
  const conversations = new Map<string, Promise<string>>();

  /** Runs `call`, waiting out 429s while the delivery's total wait stays within budget. */
  const withRateLimit = async <T>(method: string, budget: { waitedMs: number }, call: () => Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await call();
      } catch (error) {
        if (!(error instanceof WebAPIRateLimitedError)) throw deliveryError(method, error);
        const waitMs = Math.max(1, error.retryAfter) * 1000;
        if (budget.waitedMs + waitMs > o.maxRateLimitWaitMs) {
          log?.warn({ method, retryAfterMs: waitMs }, 'Slack rate limit: giving the notice back to the outbox');
          throw new NoticeDeliveryError(`Slack rate-limited ${method}: retry after ${waitMs / 1000} s`, waitMs);
        }
        log?.info({ method, retryAfterMs: waitMs }, 'Slack rate limit: waiting as Retry-After asks');
        budget.waitedMs += waitMs;
        await sleep(waitMs);
      }
    }
  };

  const cached = <T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> => {
    let hit = cache.get(key);
    if (!hit) {
      hit = load();
      cache.set(key, hit);
      // A failed look-up is not remembered: the person may join Slack before the retry.
      hit.catch(() => cache.delete(key));
    }
    return hit;
  };

  const userId = (email: string, budget: { waitedMs: number }) =>
    cached(users, email.toLowerCase(), async () => {
      try {
        const found = await withRateLimit('users.lookupByEmail', budget, () => client.users.lookupByEmail({ email }));
        const id = found.user?.id;
        if (!id) throw new NoticeDeliveryError(`Slack answered users.lookupByEmail for ${email} without a user id`);
        return id;
      } catch (error) {
        if (error instanceof NoticeDeliveryError && error.message.includes('users_not_found')) {
          throw new NoticeDeliveryError(`Slack knows no user with the email ${email} (users_not_found)`, undefined, {
            permanent: true,
          });
        }
        throw error;
      }
    });

  const directConversation = (user: string, budget: { waitedMs: number }) =>
    cached(conversations, user, async () => {
      const opened = await withRateLimit('conversations.open', budget, () =>
        client.conversations.open({ users: user }),
      );
      const id = opened.channel?.id;
      if (!id) throw new NoticeDeliveryError('Slack answered conversations.open without a conversation id');
      return id;
    });

  return {
    name: o.name,
    async check() {
      let scopes: string[] | undefined;
      try {
        const answer = await client.auth.test();
        scopes = answer.response_metadata?.scopes;
      } catch (error) {
        return { problems: [deliveryError('auth.test', error).message] };
      }
      // Slack lists the token's scopes on every answer (x-oauth-scopes); say which are missing.
      const needed = requiredScopes(o.directMessages);
      const missing = scopes ? needed.filter((s) => !scopes.includes(s)) : [];
      return {
        problems:
          missing.length === 0
            ? []
            : [
                `the Slack app lacks the scope${missing.length === 1 ? '' : 's'} ${missing.join(', ')} (add ${missing.length === 1 ? 'it' : 'them'} under OAuth & Permissions, then reinstall the app)`,
              ],
      };
    },
    async deliver(notice: OutgoingNotice): Promise<void> {
      const budget = { waitedMs: 0 };
      let conversation = o.channel;
      if (notice.recipient) {
        if (!o.directMessages) {
          throw new NoticeDeliveryError(
            `Slack channel ${o.name} does not send direct messages (directMessages is off)`,
          );
        }
        conversation = await directConversation(await userId(notice.recipient.email, budget), budget);
      }
      const { text, blocks } = slackMessage(notice.notice);
      await withRateLimit('chat.postMessage', budget, async () => {
        await pacer.wait(conversation);
        try {
          return await client.chat.postMessage({
            channel: conversation,
            text,
            blocks,
            // Data never links names or unfurls links (https://docs.slack.dev/reference/methods/chat.postMessage#arg_link_names).
            link_names: false,
            unfurl_links: false,
            unfurl_media: false,
          });
        } catch (error) {
          if (error instanceof WebAPIRateLimitedError)
            pacer.holdUntil(conversation, Date.now() + Math.max(1, error.retryAfter) * 1000);
          throw error;
        }
      });
      log?.debug({ key: notice.key, kind: notice.notice.kind, direct: notice.recipient !== undefined }, 'posted');
    },
  };
}

/**
 * Slack's answers that no retry can change: a person with no Slack account, or one
 * deactivated (someone who left: the previous POC of a fallback), cannot be messaged
 * (https://docs.slack.dev/reference/methods/users.lookupByEmail#errors,
 * https://docs.slack.dev/reference/methods/conversations.open#errors).
 */
const UNREACHABLE_PERSON = new Set(['users_not_found', 'user_disabled', 'user_not_found', 'cannot_dm_bot']);

/** The SDK's error as a NoticeDeliveryError that names Slack's error code (never the token). */
function deliveryError(method: string, error: unknown): NoticeDeliveryError {
  if (error instanceof NoticeDeliveryError) return error;
  if (error instanceof WebAPIPlatformError) {
    const code = String(error.data.error);
    return new NoticeDeliveryError(`Slack refused ${method}: ${code}`, undefined, {
      permanent: UNREACHABLE_PERSON.has(code),
    });
  }
  if (error instanceof WebAPIHTTPError) {
    const retryAfter = Number(error.headers['retry-after']);
    return new NoticeDeliveryError(
      `Slack answered ${method} with HTTP ${error.statusCode}`,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined,
    );
  }
  if (error instanceof WebAPIRequestError) {
    return new NoticeDeliveryError(`Slack ${method} did not complete: ${error.original.message}`);
  }
  return new NoticeDeliveryError(`Slack ${method} failed: ${error instanceof Error ? error.message : String(error)}`);
}

/** The SDK's logger as pino's, warnings and errors only (its debug lines echo request bodies). */
function sdkLogger(log: Logger | undefined): SlackLogger {
  const text = (msg: unknown[]) => msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ');
  return {
    debug: () => {},
    info: () => {},
    warn: (...msg: unknown[]) => log?.warn({ sdk: '@slack/web-api' }, text(msg)),
    error: (...msg: unknown[]) => log?.error({ sdk: '@slack/web-api' }, text(msg)),
    setLevel: () => {},
    getLevel: () => LogLevel.WARN,
    setName: () => {},
  };
}

/**
 * The bot scopes a channel needs: chat:write to post; for direct messages also
 * users:read.email (users.lookupByEmail) and im:write (conversations.open), as each
 * method's reference page lists them.
 */
export function requiredScopes(directMessages: boolean): string[] {
  return directMessages ? ['chat:write', 'users:read.email', 'im:write'] : ['chat:write'];
}
