import { z } from 'zod';

/**
 * Building blocks for the config schemas connectors declare (`systems.<id>`, role
 * fields), so every system reads secrets, URLs and emails the same way.
 */

const SECRET_REF = /^\$\{(?:[A-Za-z_][A-Za-z0-9_]*|file:[^}]+)\}$/;

/** A secret: only `${ENV_VAR}` or `${file:/path}`, never the literal value. */
export const secret = z.string().regex(SECRET_REF, {
  message: 'secrets must come from the environment (${VAR}) or a file (${file:/path}), not literal text',
});

/** A URL as written (it may use `${VAR}`); checked once resolved with `urlProblem`. */
export const url = z.string().min(1).describe('URL (may use ${VAR})');

/** Plain http beyond loopback sends the token in clear: allowed only when asked for. */
export const allowInsecureHttp = z
  .boolean()
  .default(false)
  .describe('Allow plain http:// URLs to a host other than loopback (the credentials then travel unencrypted)');

export const email = z
  .string()
  .trim()
  .check(z.email({ message: 'must be an email address' }));

export const positiveInt = z.number().int().positive();

/** A field or property name of the vendor's. */
export const fieldName = z.string().min(1);
