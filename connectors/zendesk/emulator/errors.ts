import type { SandboxResponse } from '@spoc/sandbox/kit';

/** Zendesk's error body: `{ error, description }`. */
export function zendeskError(status: number, code: string, description: string): SandboxResponse {
  return { status, body: { error: code, description } };
}

export function notFound(): SandboxResponse {
  return zendeskError(404, 'RecordNotFound', 'Not found');
}

/** The frame's errors (unknown route, injected 5xx, a handler that threw) in Zendesk's shape. */
export function appError(status: number, message: string): SandboxResponse {
  if (status === 404) return zendeskError(404, 'InvalidEndpoint', 'Not found');
  if (status === 503) return zendeskError(503, 'ServiceUnavailable', message);
  return zendeskError(status, 'InternalError', message);
}
