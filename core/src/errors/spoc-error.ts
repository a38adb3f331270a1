/**
 * The one error type spoc raises. `kind` decides what happens next:
 * only `transient` is retried; `config` and `auth` stop before any write;
 * `vendor` stops the affected system; `record` fails one record and the run goes on.
 */
export type ErrorKind = 'config' | 'auth' | 'transient' | 'vendor' | 'record';

export interface SpocErrorOptions {
  cause?: unknown;
  /** Vendor/system the error came from, when there is one. */
  system?: string;
  /** Milliseconds the vendor asked us to wait (Retry-After), for transient errors. */
  retryAfterMs?: number;
  /** HTTP status, when the error came from a response. */
  status?: number;
}

export class SpocError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly system: string | undefined;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;

  constructor(kind: ErrorKind, code: string, message: string, options: SpocErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SpocError';
    this.kind = kind;
    this.code = code;
    this.system = options.system;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }
}

export function isSpocError(value: unknown): value is SpocError {
  return value instanceof SpocError;
}

/** Plain, serialisable form used in write results, the audit and --json output. */
export interface ErrorInfo {
  code: string;
  kind: ErrorKind;
  message: string;
}

export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof SpocError) return { code: error.code, kind: error.kind, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'UNEXPECTED', kind: 'vendor', message };
}
