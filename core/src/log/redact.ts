/**
 * pino redaction paths: any credential-looking key, at any of the depths spoc logs
 * (config objects, request options, headers). Values become "[redacted]".
 */
const SECRET_KEYS = [
  'accessToken',
  'refreshToken',
  'clientSecret',
  'apiToken',
  'oauthToken',
  'token',
  'password',
  'authorization',
  'Authorization',
  'access_token',
  'refresh_token',
  'client_secret',
];

export const REDACT_PATHS: string[] = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]);

export const REDACT_CENSOR = '[redacted]';
