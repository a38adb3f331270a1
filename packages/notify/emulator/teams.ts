/**
 * A Teams webhook receiver: a Workflows webhook ("When a Teams webhook request is
 * received", answering 202 Accepted) and a classic incoming webhook (answering 200 with
 * "1"), both taking `{type: "message", attachments: [{contentType:
 * "application/vnd.microsoft.card.adaptive", content}]}`
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/connectors-using).
 * Messages over 28 KB are refused with 413, more than four requests a second with 429
 * (https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook).
 * `GET /__sandbox/messages` lists what arrived, in order.
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

export interface TeamsReceived {
  /** The workflow or webhook id from the path. */
  webhook: string;
  kind: 'workflow' | 'incoming-webhook';
  body: unknown;
  at: number;
}

export const TEAMS_BUCKETS: Record<string, RateBucket> = { default: { cap: 4, windowMs: 1000 } };
const MAX_BYTES = 28 * 1024;
const WORKFLOW_PATH = '/workflows/:id/triggers/manual/paths/invoke';

/** What is wrong with a webhook body, or null for a message with Adaptive Card attachments. */
function problem(body: unknown): string | null {
  if (!body || typeof body !== 'object') return 'the body is not a JSON object';
  const b = body as { type?: unknown; attachments?: unknown };
  if (b.type !== 'message') return 'type must be "message"';
  if (!Array.isArray(b.attachments) || b.attachments.length === 0) return 'attachments must be a non-empty array';
  for (const a of b.attachments as { contentType?: unknown; content?: { type?: unknown } }[]) {
    if (a?.contentType !== 'application/vnd.microsoft.card.adaptive')
      return 'Workflows accept Adaptive Card attachments only';
    if (a.content?.type !== 'AdaptiveCard') return 'the attachment content is not an AdaptiveCard';
  }
  return null;
}

/** A Workflows URL carries its shared access signature in `sig`; a classic webhook's secret is its path. */
function authenticate(req: SandboxRequest): SandboxResponse | null {
  if (!req.path.startsWith('/workflows/') || req.query.get('sig')) return null;
  return {
    status: 401,
    body: { error: { code: 'DirectApiAuthorizationRequired', message: 'The request must be authenticated (sig).' } },
  };
}

function rateLimited(state: RateState): SandboxResponse {
  return {
    status: 429,
    headers: { 'retry-after': String(Math.max(1, Math.ceil(state.resetMs / 1000))) },
    text: 'Too Many Requests',
  };
}

export function createTeamsApp(context: VendorContext): VendorApp {
  let received: TeamsReceived[] = [];

  const accept = (kind: TeamsReceived['kind'], ok: SandboxResponse) => (req: SandboxRequest) => {
    if (Buffer.byteLength(JSON.stringify(req.body ?? '')) > MAX_BYTES) {
      return { status: 413, text: 'Request Entity too large' };
    }
    const wrong = problem(req.body);
    if (wrong) return { status: 400, body: { error: { code: 'InvalidRequestContent', message: wrong } } };
    received.push({ webhook: req.params.id ?? '', kind, body: req.body, at: context.now() });
    return ok;
  };

  const routes: Route[] = [
    { method: 'POST', path: WORKFLOW_PATH, handler: accept('workflow', { status: 202 }) },
    { method: 'POST', path: '/webhookb2/:id', handler: accept('incoming-webhook', { status: 200, text: '1' }) },
  ];

  return {
    routes,
    authenticate,
    buckets: TEAMS_BUCKETS,
    rateLimited,
    rateHeaders: () => ({}),
    error: (status, message) => ({
      status,
      body: { error: { code: status === 404 ? 'NotFound' : 'InternalError', message } },
    }),
    reset: () => {
      received = [];
    },
    // GET /__sandbox/messages[?webhook=ID]: what arrived, in order.
    control: (method, path, query) => {
      if (method !== 'GET' || path !== '/__sandbox/messages') return undefined;
      const webhook = query.get('webhook');
      return { status: 200, body: { messages: webhook ? received.filter((m) => m.webhook === webhook) : received } };
    },
  };
}

/** The Teams emulator as it registers with the sandbox (it needs no seed). */
export const teamsEmulator: EmulatorDefinition<'teams'> = {
  id: 'teams',
  create: (_seed, context) => createTeamsApp(context),
};

/** A Workflows webhook URL on an emulator at `baseUrl`, shaped like Power Automate's. */
export const teamsWebhookUrl = (baseUrl: string, id = 'spoc'): string =>
  `${baseUrl}/workflows/${encodeURIComponent(id)}/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=sandbox`;
