import type { SandboxResponse } from '../kit/types.ts';

/** Salesforce REST error bodies are arrays of `{message, errorCode, fields?}`. */
export interface SalesforceError {
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

/** Thrown by handlers and turned into the vendor's error response by the app wrapper. */
export class ApiError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly fields: string[] | undefined;

  constructor(status: number, errorCode: string, message: string, fields?: string[]) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
    this.fields = fields;
  }

  toResponse(): SandboxResponse {
    return errorResponse(this.status, this.errorCode, this.message, this.fields);
  }
}

export function errorResponse(status: number, errorCode: string, message: string, fields?: string[]): SandboxResponse {
  const error: SalesforceError = fields ? { message, errorCode, fields } : { message, errorCode };
  return { status, body: [error] };
}

export const notFound = (): ApiError => new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');

export function recordError(statusCode: string, message: string, fields: string[] = []): RecordError {
  return { statusCode, message, fields };
}
