import type { SandboxRequest, SandboxResponse } from '@spoc/sandbox/kit';
import { missingScopes, unauthenticated } from './errors.ts';
import type { ObjectType } from './schema.ts';

/** The bearer token, or '' when the request carries none. */
export function tokenOf(req: SandboxRequest): string {
  const header = req.headers.authorization ?? '';
  return /^Bearer\s/i.test(header) ? header.slice(7).trim() : '';
}

/** Any non-empty token is valid except the literal `invalid`, so tests can provoke a 401. */
export function checkToken(req: SandboxRequest): SandboxResponse | null {
  const token = tokenOf(req);
  return token === '' || token === 'invalid' ? unauthenticated() : null;
}

/** Tokens starting `noscope-` belong to a private app without crm.objects.companies.write. */
export function checkWriteScope(req: SandboxRequest, type: ObjectType): SandboxResponse | null {
  return type === 'companies' && tokenOf(req).startsWith('noscope-')
    ? missingScopes('crm.objects.companies.write')
    : null;
}
