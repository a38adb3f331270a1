import type { SandboxRequest } from '@spoc/sandbox/kit';

/**
 * The request's API token: the `x-api-token` header (what the SDK sends) or the
 * `api_token` query parameter (https://pipedrive.readme.io/docs/how-to-find-the-api-token),
 * or an OAuth bearer token. '' when it carries none.
 */
export function tokenOf(req: SandboxRequest): string {
  const header = req.headers['x-api-token'];
  if (typeof header === 'string' && header.trim()) return header.trim();
  const query = req.query.get('api_token');
  if (query?.trim()) return query.trim();
  const auth = req.headers.authorization ?? '';
  return /^Bearer\s/i.test(auth) ? auth.slice(7).trim() : '';
}

/** Any non-empty token is valid except the literal `invalid`, so tests can provoke a 401. */
export function validToken(req: SandboxRequest): boolean {
  const token = tokenOf(req);
  return token !== '' && token !== 'invalid';
}
