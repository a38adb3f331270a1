import type { SandboxRequest, SandboxResponse } from '@spoc/sandbox/kit';
import { missingScopes, unauthenticated } from './errors.ts';
import type { ObjectType } from './schema.ts';
import type { ChangeSource } from './store.ts';

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

/**
 * Who a write is from, as the property history records it. A private-app token is an
 * integration (no user); the sandbox's `ui-user-<userId>` tokens stand for a person
 * editing in HubSpot's UI (CRM_UI with updatedByUserId), so scenarios can play humans.
 */
export function changeSourceOf(req: SandboxRequest): ChangeSource {
  const user = /^ui-user-(\d+)$/.exec(tokenOf(req));
  return user ? { sourceType: 'CRM_UI', updatedByUserId: Number(user[1]) } : { sourceType: 'INTEGRATION' };
}
