import { readSecretFile, secretTextProblem } from '@spoc/core';

/** A console token that cannot be used: the message says which variable and why. */
export class TokenError extends Error {}

/**
 * SPOC_CONSOLE_TOKEN, else the file SPOC_CONSOLE_TOKEN_FILE names (read by the rules of
 * config secret files: a token is a line, not a document). `spoc serve` requires it for
 * every page beyond loopback; `spoc schedule --port` for /metrics.
 */
export function consoleToken(env: NodeJS.ProcessEnv): { value: string; source: string } | undefined {
  const direct = env.SPOC_CONSOLE_TOKEN;
  if (direct) {
    const value = direct.trim();
    const problem = secretTextProblem(value);
    if (problem) throw new TokenError(`SPOC_CONSOLE_TOKEN ${problem}`);
    return { value, source: 'SPOC_CONSOLE_TOKEN' };
  }
  const file = env.SPOC_CONSOLE_TOKEN_FILE;
  if (!file) return undefined;
  const source = `SPOC_CONSOLE_TOKEN_FILE ${file}`;
  const read = readSecretFile(file);
  if ('absent' in read) throw new TokenError(`cannot read ${source}: no such file`);
  if ('problem' in read) throw new TokenError(`${source} ${read.problem}`);
  return { value: read.secret, source };
}
