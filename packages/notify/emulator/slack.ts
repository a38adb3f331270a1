/**
 * The Slack Web API as @slack/web-api sees it (it POSTs form-encoded bodies, objects as
 * JSON strings, with `Authorization: Bearer`): auth.test, chat.postMessage,
 * conversations.open, users.lookupByEmail and conversations.history. Slack's envelope is
 * HTTP 200 with `{ok: true, …}` or `{ok: false, error}`
 * (https://docs.slack.dev/apis/web-api/#responses); a rate limit is HTTP 429 with
 * Retry-After in seconds (https://docs.slack.dev/apis/web-api/rate-limits).
 */
import type {
  EmulatorDefinition,
  RateBucket,
  RateState,
  Route,
  SandboxRequest,
  SandboxResponse,
  VendorApp,
  VendorContext,
} from '@spoc/sandbox/kit';
import {
  BOT_ID,
  BOT_USER_ID,
  type SlackMessageRecord,
  type SlackSeed,
  SlackStore,
  slackSeedFrom,
  TEAM_ID,
} from './slack-store.ts';

/**
 * Per-method tiers (https://docs.slack.dev/apis/web-api/rate-limits#tiers): Tier 3 is
 * 50+ a minute (users.lookupByEmail, conversations.open, conversations.history for
 * internal and Marketplace apps; new non-Marketplace apps get 1 a minute there since
 * 2025-05-29), Tier 4 100+ (auth.test is "special", at least that). chat.postMessage is
 * about one message a second per channel with short bursts, under a workspace limit of
 * "several hundred messages per minute" (https://docs.slack.dev/reference/methods/chat.postMessage#rate-limiting):
 * the per-channel part is in `postAllowed`, the workspace part here.
 */
export const SLACK_BUCKETS: Record<string, RateBucket> = {
  tier3: { cap: 50, windowMs: 60_000 },
  tier4: { cap: 100, windowMs: 60_000 },
  postMessage: { cap: 300, windowMs: 60_000 },
};

export const SLACK_BEHAVIOURS = {
  'slack.postPerSecond': 'messages a channel accepts per second once its burst is spent (default 1)',
  'slack.postBurst': 'messages a channel accepts at once before pacing applies (default 3)',
} as const;

const ok = (body: Record<string, unknown> = {}): SandboxResponse => ({ status: 200, body: { ok: true, ...body } });
const fail = (error: string, extra: Record<string, unknown> = {}): SandboxResponse => ({
  status: 200,
  body: { ok: false, error, ...extra },
});

/** Arguments from the query string and the body (form fields or JSON), as Slack reads both. */
function args(req: SandboxRequest): Record<string, unknown> {
  const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
  return { ...Object.fromEntries(req.query), ...body };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function token(req: SandboxRequest): string | undefined {
  const header = req.headers.authorization ?? '';
  if (header.startsWith('Bearer ')) return header.slice(7).trim() || undefined;
  return str(args(req).token);
}

/** Any well-formed token works (the sandbox is offline); `xoxb-invalid` does not, for tests. */
function authenticate(req: SandboxRequest): SandboxResponse | null {
  const t = token(req);
  if (t === undefined) return fail('not_authed');
  return /^xox[abpe]-/.test(t) && t !== 'xoxb-invalid' ? null : fail('invalid_auth');
}

/**
 * The scopes a sandbox token holds: every scope spoc could want, unless the token names
 * its own (`xoxb-scopes-chat:write+im:write`), so tests can play an app installed short.
 */
function scopesOf(t: string): string[] {
  const named = /^xoxb-scopes-(.+)$/.exec(t);
  return named?.[1]
    ? named[1].split('+')
    : ['chat:write', 'chat:write.public', 'im:write', 'users:read', 'users:read.email'];
}

function rateLimited(state: RateState): SandboxResponse {
  return {
    status: 429,
    headers: { 'retry-after': String(Math.max(1, Math.ceil(state.resetMs / 1000))) },
    body: { ok: false, error: 'ratelimited' },
  };
}

function appError(status: number, message: string): SandboxResponse {
  return { status, body: { ok: false, error: status === 404 ? 'unknown_method' : 'internal_error', warning: message } };
}

/** A channel's messages as a token bucket: `burst` at once, then `perSecond`. */
class ChannelPace {
  private readonly state = new Map<string, { tokens: number; at: number }>();
  private readonly context: VendorContext;

  constructor(context: VendorContext) {
    this.context = context;
  }

  /** null when the message may go, else the seconds to wait. */
  take(conversation: string): number | null {
    const perSecond = this.context.faults.behaviour('slack.postPerSecond', 1);
    const burst = this.context.faults.behaviour('slack.postBurst', 3);
    const now = this.context.now();
    const s = this.state.get(conversation) ?? { tokens: burst, at: now };
    s.tokens = Math.min(burst, s.tokens + ((now - s.at) / 1000) * perSecond);
    s.at = now;
    this.state.set(conversation, s);
    if (s.tokens >= 1) {
      s.tokens -= 1;
      return null;
    }
    return Math.max(1, Math.ceil((1 - s.tokens) / Math.max(perSecond, 0.001)));
  }

  reset(): void {
    this.state.clear();
  }
}

function parseBlocks(value: unknown): unknown[] | 'invalid' | undefined {
  if (value === undefined || value === '') return undefined;
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return 'invalid';
    }
  }
  return Array.isArray(parsed) && parsed.every((b) => b && typeof b === 'object' && typeof b.type === 'string')
    ? parsed
    : 'invalid';
}

function userView(u: SlackSeed['users'][number]) {
  return {
    id: u.id,
    team_id: TEAM_ID,
    name: u.name,
    real_name: u.realName,
    deleted: u.deleted,
    is_bot: false,
    profile: { email: u.email, real_name: u.realName, display_name: u.realName },
  };
}

export function createSlackApp(seed: SlackSeed | undefined, context: VendorContext): VendorApp {
  const store = new SlackStore(seed);
  const pace = new ChannelPace(context);

  const routes: Route[] = [
    {
      method: 'POST',
      path: '/api/auth.test',
      bucket: 'tier4',
      handler: (req) => ({
        ...ok({
          url: `${req.baseUrl}/`,
          team: 'spoc sandbox',
          user: 'spoc',
          team_id: TEAM_ID,
          user_id: BOT_USER_ID,
          bot_id: BOT_ID,
        }),
        // Slack lists a token's scopes in the x-oauth-scopes header of its answers; @slack/web-api
        // hands them on as response_metadata.scopes (WebAPICallResult, docs.slack.dev/tools/node-slack-sdk).
        headers: { 'x-oauth-scopes': scopesOf(token(req) ?? '').join(',') },
      }),
    },
    {
      method: 'POST',
      path: '/api/users.lookupByEmail',
      bucket: 'tier3',
      handler: (req) => {
        const email = str(args(req).email);
        if (!email) return fail('invalid_arguments');
        const user = store.userByEmail(email);
        // https://docs.slack.dev/reference/methods/users.lookupByEmail#errors
        return user ? ok({ user: userView(user) }) : fail('users_not_found');
      },
    },
    {
      method: 'POST',
      path: '/api/conversations.open',
      bucket: 'tier3',
      handler: (req) => {
        const users = (str(args(req).users) ?? '').split(',').filter(Boolean);
        if (users.length === 0) return fail('users_list_not_supplied');
        if (users.length > 1)
          return fail('not_supported', { warning: 'the sandbox opens one-to-one conversations only' });
        const user = store.users.get(users[0] as string);
        // https://docs.slack.dev/reference/methods/conversations.open#errors
        if (!user) return fail('user_not_found');
        if (user.deleted) return fail('user_disabled');
        const dm = store.openDm(user.id);
        return ok({ channel: { id: dm.id }, ...(dm.alreadyOpen ? { no_op: true, already_open: true } : {}) });
      },
    },
    {
      method: 'POST',
      path: '/api/chat.postMessage',
      bucket: 'postMessage',
      handler: (req) => {
        const a = args(req);
        const channel = str(a.channel);
        const conversation = channel === undefined ? undefined : store.resolve(channel);
        // https://docs.slack.dev/reference/methods/chat.postMessage#errors
        if (!conversation) return fail('channel_not_found');
        const blocks = parseBlocks(a.blocks);
        if (blocks === 'invalid') return fail('invalid_blocks_format');
        if (blocks && blocks.length > 50) return fail('invalid_blocks');
        const text = str(a.text) ?? '';
        if (!text && !blocks) return fail('no_text');
        if (text.length > 40_000) return fail('msg_too_long');
        const wait = pace.take(conversation);
        if (wait !== null) {
          return { status: 429, headers: { 'retry-after': String(wait) }, body: { ok: false, error: 'ratelimited' } };
        }
        const message: SlackMessageRecord = {
          type: 'message',
          ts: store.nextTs(context.now()),
          user: BOT_USER_ID,
          bot_id: BOT_ID,
          text,
          ...(blocks ? { blocks } : {}),
        };
        store.post(conversation, message);
        context.writes.record('messages', conversation, 'text', text, context.now());
        return ok({ channel: conversation, ts: message.ts, message });
      },
    },
    ...(['GET', 'POST'] as const).map(
      (method): Route => ({
        method,
        path: '/api/conversations.history',
        bucket: 'tier3',
        handler: (req) => {
          const a = args(req);
          const channel = str(a.channel);
          const conversation = channel === undefined ? undefined : store.resolve(channel);
          if (!conversation) return fail('channel_not_found');
          const limit = Math.min(999, Math.max(1, Number(a.limit) || 100));
          const offset = cursorOffset(str(a.cursor));
          if (offset === null) return fail('invalid_cursor');
          // Newest first, as Slack lists them.
          const all = [...(store.messages.get(conversation) ?? [])].reverse();
          const page = all.slice(offset, offset + limit);
          const more = offset + limit < all.length;
          return ok({
            messages: page,
            has_more: more,
            response_metadata: { next_cursor: more ? Buffer.from(`offset:${offset + limit}`).toString('base64') : '' },
          });
        },
      }),
    ),
  ];

  return {
    routes,
    authenticate,
    buckets: SLACK_BUCKETS,
    rateLimited,
    // Slack's Web API sends no rate-limit headers besides Retry-After.
    rateHeaders: () => ({}),
    error: appError,
    reset: () => {
      store.reset();
      pace.reset();
    },
  };
}

function cursorOffset(cursor: string | undefined): number | null {
  if (cursor === undefined) return 0;
  const m = /^offset:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return m ? Number(m[1]) : null;
}

/** The Slack emulator as it registers with the sandbox: its part of a seed is a SlackSeed. */
export const slackEmulator: EmulatorDefinition<'slack'> = {
  id: 'slack',
  behaviours: SLACK_BEHAVIOURS,
  create: (seed, context) => createSlackApp(seed as SlackSeed | undefined, context),
  seedFrom: slackSeedFrom,
};

/** The Web API root a WebClient (or createSlackChannel's `apiUrl`) is given for an emulator at `baseUrl`. */
export const slackApiUrl = (baseUrl: string): string => `${baseUrl}/api/`;
