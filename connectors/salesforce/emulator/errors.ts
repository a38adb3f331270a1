import { type SandboxResponse, VendorError } from '@spoc/sandbox/kit';

/** Salesforce REST error bodies are arrays of `{message, errorCode, fields?}`. */
export interface SalesforceErrorBody {
  message: string;
  errorCode: string;
  fields?: string[];
}

/** Per-record error inside a SaveResult (composite/sobjects). */
export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

export function salesforceError(
  status: number,
  errorCode: string,
  message: string,
  fields?: string[],
): SandboxResponse {
  const error: SalesforceErrorBody = fields ? { message, errorCode, fields } : { message, errorCode };
  return { status, body: [error] };
}

/** Ends the request with Salesforce's error body, from anywhere below a route handler. */
export function fail(status: number, errorCode: string, message: string, fields?: string[]): VendorError {
  return new VendorError(salesforceError(status, errorCode, message, fields));
}

export const notFound = (): SandboxResponse =>
  salesforceError(404, 'NOT_FOUND', 'The requested resource does not exist');

/** The frame's errors (unknown route, injected 5xx, a handler that threw) in Salesforce's shape. */
export function appError(status: number, message: string): SandboxResponse {
  if (status === 404) return notFound();
  return salesforceError(status, status === 503 ? 'SERVER_UNAVAILABLE' : 'UNKNOWN_EXCEPTION', message);
}

export function recordError(statusCode: string, message: string, fields: string[] = []): RecordError {
  return { statusCode, message, fields };
}
