import type { SandboxResponse } from '@spoc/sandbox/kit';

const INFO = 'Please check developers.pipedrive.com for more information about Pipedrive API.';

/**
 * Pipedrive's error body: `{ success: false, error, error_info, data: null,
 * additional_data: null, errorCode }` (https://pipedrive.readme.io/docs/core-api-concepts-http-status-codes).
 */
export function pipedriveError(status: number, error: string, headers?: Record<string, string>): SandboxResponse {
  return {
    status,
    body: { success: false, error, error_info: INFO, data: null, additional_data: null, errorCode: status },
    ...(headers ? { headers } : {}),
  };
}

/** The frame's errors (unknown route, injected 5xx, a handler that threw) in Pipedrive's shape. */
export function appError(status: number, message: string): SandboxResponse {
  if (status === 404) return pipedriveError(404, 'Unknown method .');
  if (status >= 500)
    return pipedriveError(status, status === 503 ? 'Service unavailable' : `Internal server error: ${message}`);
  return pipedriveError(status, message);
}

export const unauthorized = () => pipedriveError(401, 'unauthorized access');
export const badRequest = (message: string) => pipedriveError(400, message);
export const notFound = (what: 'Organization' | 'Person') => pipedriveError(404, `${what} not found`);
