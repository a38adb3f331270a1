import type { SandboxResponse } from '@spoc/sandbox/kit';

/** One field's complaint in a Freshdesk error body. */
export interface FieldError {
  field: string;
  message: string;
  code: string;
}

/**
 * Freshdesk's error body `{description, errors: [{field, message, code}]}`
 * (https://developers.freshdesk.com/api/#error).
 */
export function validationFailed(errors: FieldError[], status = 400): SandboxResponse {
  return { status, body: { description: 'Validation failed', errors } };
}

/** 404 answers with an empty body in Freshdesk. */
export function notFound(): SandboxResponse {
  return { status: 404, text: '' };
}

/** The frame's errors (unknown route, injected 5xx, a handler that threw) in Freshdesk's shape. */
export function appError(status: number, message: string): SandboxResponse {
  if (status === 404) return notFound();
  return { status, body: { code: status === 503 ? 'service_unavailable' : 'internal_error', message } };
}
