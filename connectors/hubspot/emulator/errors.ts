import { randomUUID } from 'node:crypto';
import type { SandboxResponse } from '@spoc/sandbox/kit';

/** HubSpot's error body: `{status: "error", message, correlationId, category, …}`. */
export function hubspotError(
  status: number,
  category: string,
  message: string,
  extra: Record<string, unknown> = {},
): SandboxResponse {
  return { status, body: { status: 'error', message, correlationId: randomUUID(), ...extra, category } };
}

/** The frame's errors (unknown route, injected 5xx, a handler that threw) in HubSpot's shape. */
export function appError(status: number, message: string): SandboxResponse {
  if (status === 404) return hubspotError(404, 'OBJECT_NOT_FOUND', message);
  if (status >= 500) return hubspotError(status, status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR', message);
  return hubspotError(status, 'VALIDATION_ERROR', message);
}

export function validationError(message: string): SandboxResponse {
  return hubspotError(400, 'VALIDATION_ERROR', message);
}

export function objectNotFound(id: string): SandboxResponse {
  return hubspotError(404, 'OBJECT_NOT_FOUND', 'Object not found. objectId are usually numeric.', {
    context: { id: [id] },
  });
}

export function unknownObjectType(name: string): SandboxResponse {
  return validationError(`Unable to infer object type from: ${name}`);
}

export function unauthenticated(): SandboxResponse {
  return hubspotError(
    401,
    'INVALID_AUTHENTICATION',
    'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
  );
}

export function missingScopes(scope: string): SandboxResponse {
  return hubspotError(
    403,
    'MISSING_SCOPES',
    "This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
    {
      errors: [
        { message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: [scope] } },
      ],
      links: { 'scopes-documentation': 'https://developers.hubspot.com/scopes' },
    },
  );
}

/** A 429; HubSpot's rate-limit body carries errorType and policyName instead of a category. */
export function rateLimitError(policyName: 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY'): SandboxResponse {
  const limit = { TEN_SECONDLY_ROLLING: 'ten_secondly_rolling', SECONDLY: 'secondly', DAILY: 'daily' }[policyName];
  return {
    status: 429,
    body: {
      status: 'error',
      message: `You have reached your ${limit} limit.`,
      errorType: 'RATE_LIMIT',
      correlationId: randomUUID(),
      policyName,
    },
  };
}

/** One entry of a batch response's `errors` (a 207 names the failing ids in context.ids). */
export interface BatchError {
  status: 'error';
  category: string;
  message: string;
  context: { ids: string[] };
}

export function batchError(category: string, message: string, ids: string[]): BatchError {
  return { status: 'error', category, message, context: { ids } };
}
