import { createHmac, randomBytes } from 'node:crypto';
import type { Route, SandboxRequest, SandboxResponse } from '@spoc/sandbox/kit';
import type { SalesforceEnv } from './env.ts';
import { ORG_ID } from './ids.ts';

export const TOKEN_PATH = '/services/oauth2/token';

/** Values the sandbox treats as revoked or wrong, so clients can exercise their failure paths. */
export function isRejectedSecret(value: string): boolean {
  return (
    value === '' || value === 'bad' || value === 'invalid' || value.startsWith('expired') || value.startsWith('bad-')
  );
}

function oauthError(error: string, description: string): SandboxResponse {
  return { status: 400, body: { error, error_description: description } };
}

/**
 * POST /services/oauth2/token (form-encoded): refresh_token, client_credentials and password
 * grants. Any well-formed credential is accepted; see isRejectedSecret for the refused ones.
 */
export function oauthRoutes(env: SalesforceEnv): Route[] {
  return [
    {
      method: 'POST',
      path: TOKEN_PATH,
      handler: (req) => token(env, req),
    },
  ];
}

function field(req: SandboxRequest, name: string): string {
  const body = req.body as Record<string, unknown> | undefined;
  const fromBody = body && typeof body === 'object' ? body[name] : undefined;
  return typeof fromBody === 'string' ? fromBody : (req.query.get(name) ?? '');
}

function token(env: SalesforceEnv, req: SandboxRequest): SandboxResponse {
  const grant = field(req, 'grant_type');
  const clientId = field(req, 'client_id');
  if (!['refresh_token', 'client_credentials', 'password'].includes(grant)) {
    return oauthError('unsupported_grant_type', 'grant type not supported');
  }
  if (isRejectedSecret(clientId)) return oauthError('invalid_client_id', 'client identifier invalid');
  if (grant === 'refresh_token') {
    if (isRejectedSecret(field(req, 'refresh_token'))) {
      return oauthError('invalid_grant', 'expired access/refresh token');
    }
  } else if (grant === 'client_credentials') {
    if (isRejectedSecret(field(req, 'client_secret')))
      return oauthError('invalid_client', 'invalid client credentials');
  } else if (isRejectedSecret(field(req, 'username')) || isRejectedSecret(field(req, 'password'))) {
    return oauthError('invalid_grant', 'authentication failure');
  }

  const userId = env.store.apiUserId();
  const issuedAt = String(env.context.now());
  const id = `${req.baseUrl}/id/${ORG_ID}/${userId}`;
  const accessToken = `${ORG_ID.slice(0, 15)}!${randomBytes(24).toString('base64url')}`;
  const signature = createHmac('sha256', 'spoc-sandbox')
    .update(id + issuedAt)
    .digest('base64');
  return {
    status: 200,
    body: {
      access_token: accessToken,
      signature,
      scope: grant === 'client_credentials' ? 'api' : 'refresh_token api',
      instance_url: req.baseUrl,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    },
  };
}
