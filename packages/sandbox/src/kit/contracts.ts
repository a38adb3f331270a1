import type { ZodType } from 'zod';
import type { Exchange } from './types.ts';

/**
 * What a vendor documents for one endpoint, independent of the emulator: the shape of
 * the request a client may send and of the answer the vendor gives. Written from the
 * vendor's own definition (its OpenAPI spec, its SDK's generated models, its reference
 * pages), with `source` naming where each came from.
 */
export interface EndpointContract {
  /** Where the shapes come from (a URL, or the SDK model's name and package). */
  source: string;
  /** The query string's parameters (as an object of strings); omitted = not checked. */
  query?: ZodType;
  /** The JSON (or form) body; omitted = not checked. */
  request?: ZodType;
  /** The body of a 2xx answer; omitted = not checked. */
  response?: ZodType;
  /** The body of a 4xx/5xx answer; omitted = not checked. */
  error?: ZodType;
}

/** Contracts keyed `METHOD /route/template`, as the emulator's routes are written. */
export type Contracts = Readonly<Record<string, EndpointContract>>;

/**
 * Every way the recorded exchanges depart from the contracts: a route with no
 * contract, or a field the vendor's definition does not allow, each named as
 * `METHOD /template (path) request|response|query: field.path: what is wrong`.
 */
export function contractProblems(exchanges: readonly Exchange[], contracts: Contracts): string[] {
  const problems = new Set<string>();
  for (const exchange of exchanges) {
    const key = `${exchange.method} ${exchange.route}`;
    const contract = contracts[key];
    if (!contract) {
      problems.add(`${key}: no contract for this endpoint (the vendor's definition of it must be written down)`);
      continue;
    }
    const check = (part: string, schema: ZodType | undefined, value: unknown) => {
      if (!schema) return;
      const result = schema.safeParse(value);
      if (result.success) return;
      for (const issue of result.error.issues) {
        const field = issue.path.length > 0 ? issue.path.join('.') : '(body)';
        problems.add(`${key} (${exchange.path}) ${part}: ${field}: ${issue.message}`);
      }
    };
    check('query', contract.query, Object.fromEntries(new URLSearchParams(exchange.query)));
    check('request', contract.request, exchange.request);
    if (exchange.status >= 200 && exchange.status < 300) check('response', contract.response, exchange.response);
    else if (exchange.status >= 400) check('error response', contract.error, exchange.response);
  }
  return [...problems];
}
