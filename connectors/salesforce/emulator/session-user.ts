import { type SandboxRequest, toId18 } from '@spoc/sandbox/kit';
import type { SalesforceStore } from './store.ts';

/**
 * The user a request runs as: every Salesforce session belongs to one, and the field
 * history names them (CreatedById). Tokens are opaque here, so the integration user
 * runs every session except the sandbox's `ui-user-<UserId>` tokens, which stand for a
 * person editing in Salesforce's UI, so scenarios can play humans.
 */
export function sessionUser(store: SalesforceStore, req: SandboxRequest): string {
  const m = /^(?:Bearer|OAuth)\s+ui-user-([a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?)$/i.exec(
    (req.headers.authorization ?? '').trim(),
  );
  const user = m?.[1] ? store.get('User', m[1]) : undefined;
  return user ? toId18(user.Id as string) : store.apiUserId();
}
