import { SpocError } from '@spoc/core';

interface ApiExceptionLike {
  code?: number;
  body?: unknown;
  headers?: Record<string, string>;
  message?: string;
  cause?: { code?: string };
}

const NETWORK = /ECONNRESET|ECONNREFUSED|ETIMEDOUT|EPIPE|socket hang up|network|fetch failed|terminated/i;

/** Maps an @hubspot/api-client ApiException (or a network failure) to spoc's error kinds. */
export function toSpocError(error: unknown): SpocError {
  if (error instanceof SpocError) return error;
  const e = (error ?? {}) as ApiExceptionLike;
  const body = parseBody(e.body);
  const message = body.message ?? e.message ?? String(error);
  const options = { cause: error, system: 'hubspot', ...(typeof e.code === 'number' ? { status: e.code } : {}) };
  if (e.code === 429) {
    if (body.policyName === 'DAILY') {
      return new SpocError('vendor', 'HUBSPOT_DAILY_LIMIT', `HubSpot daily API limit reached: ${message}`, options);
    }
    const retryAfter = Number(e.headers?.['retry-after']);
    return new SpocError('transient', 'HUBSPOT_RATE_LIMIT', message, {
      ...options,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    });
  }
  if (e.code === 401)
    return new SpocError('auth', 'HUBSPOT_UNAUTHORIZED', `HubSpot rejected the access token: ${message}`, options);
  if (e.code === 403 && body.category === 'MISSING_SCOPES') {
    const scopes = body.errors?.[0]?.context?.requiredGranularScopes?.join(', ') ?? 'unknown';
    return new SpocError(
      'auth',
      'HUBSPOT_MISSING_SCOPES',
      `the HubSpot private app lacks the scope ${scopes}`,
      options,
    );
  }
  if (typeof e.code === 'number' && e.code >= 500)
    return new SpocError('transient', `HTTP_${e.code}`, message, options);
  if (e.code === undefined && (NETWORK.test(message) || NETWORK.test(e.cause?.code ?? ''))) {
    return new SpocError('transient', 'NETWORK', message, options);
  }
  // The SDK cannot parse a non-JSON error body (a gateway's 502 page) and throws a bare
  // Error without the status: such a response is a passing fault, not a verdict.
  if (e.code === undefined && /Cannot parse content|Unsupported content type/i.test(message)) {
    return new SpocError('transient', 'UNPARSEABLE_RESPONSE', message, options);
  }
  return new SpocError('vendor', body.category ?? `HTTP_${e.code ?? 'ERROR'}`, message, options);
}

interface HubspotErrorBody {
  message?: string;
  category?: string;
  policyName?: string;
  errors?: { context?: { requiredGranularScopes?: string[] } }[];
}

function parseBody(body: unknown): HubspotErrorBody {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as HubspotErrorBody;
    } catch {
      return { message: body };
    }
  }
  return (body ?? {}) as HubspotErrorBody;
}
