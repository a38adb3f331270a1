import type { SandboxResponse } from './types.ts';

/**
 * Ends a request with a vendor's error response from anywhere below its route handler
 * (a handler may also just return the response). The frame answers with `response`.
 */
export class VendorError extends Error {
  readonly response: SandboxResponse;

  constructor(response: SandboxResponse) {
    super(`vendor error ${response.status}`);
    this.response = response;
  }
}
