import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Path } from './yaml-source.ts';

/** A secret file larger than this is not a token: refused before it is read. */
export const MAX_SECRET_FILE_BYTES = 64 * 1024;

type Env = Record<string, string | undefined>;

/** A reference whose secret is not provided (an unset variable, an absent file). */
export interface MissingReference {
  path: Path;
  reference: string;
}

export interface ResolveContext {
  env: Env;
  /** Where a relative `${file:PATH}` is found (the config file's directory). */
  baseDir: string;
  /** A reference that cannot be used: a value that is wrong, or (online) one not provided. */
  problem(path: Path, message: string): void;
  /** A reference not provided; when absent such a reference is a problem. */
  missing?: (ref: MissingReference) => void;
}

const REFERENCE = /\$\{([^}]+)\}/g;
// C0 and C1 controls and DEL: CR/LF would split an HTTP header, the rest is never a token.
const CONTROL = /\p{Cc}/u;

/** Replaces `${VAR}` and `${file:PATH}` in every string of `value` (a copy; `value` is not changed). */
export function resolveReferences(value: unknown, path: Path, ctx: ResolveContext): unknown {
  // One path array for the whole walk, copied only when a reference is reported.
  const at: Path = [...path];
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string')
      return v.includes('${') ? v.replace(REFERENCE, (_m, ref: string) => resolveOne(ref, [...at], ctx)) : v;
    if (Array.isArray(v))
      return v.map((item, i) => {
        at.push(i);
        const out = walk(item);
        at.pop();
        return out;
      });
    if (v !== null && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, item] of Object.entries(v)) {
        at.push(k);
        out[k] = walk(item);
        at.pop();
      }
      return out;
    }
    return v;
  };
  return walk(value);
}

function resolveOne(ref: string, path: Path, ctx: ResolveContext): string {
  const notProvided = (message: string) => {
    if (ctx.missing) ctx.missing({ path, reference: `\${${ref}}` });
    else ctx.problem(path, message);
    return '';
  };
  const refuse = (message: string) => {
    ctx.problem(path, message);
    return '';
  };

  if (ref.startsWith('file:')) {
    const target = resolve(ctx.baseDir, ref.slice(5));
    const read = readSecretFile(target);
    if ('absent' in read) return notProvided(`secret file ${target} does not exist`);
    if ('problem' in read) return refuse(`secret file ${target} ${read.problem}`);
    return read.secret;
  }
  const found = ctx.env[ref];
  if (found === undefined || found === '') return notProvided(`environment variable ${ref} is not set`);
  const problem = secretTextProblem(found);
  if (problem) return refuse(`environment variable ${ref} ${problem}`);
  return found;
}

/** Why a secret's text cannot be sent in a header, if it cannot: empty, or a control character. */
export function secretTextProblem(text: string): string | undefined {
  if (text === '') return 'is empty';
  if (CONTROL.test(text)) return 'holds a line break or another control character';
  return undefined;
}

export type SecretFileRead = { secret: string } | { absent: true } | { problem: string };

/**
 * Reads a secret (token) file: a regular file of at most 64 KiB, its text trimmed, not
 * empty and free of control characters. A FIFO, device, socket or directory is refused
 * from its stat, before any open (opening a FIFO blocks until a writer comes; a device
 * may never end); the open is non-blocking and re-checked in case the path changed in
 * between. `absent` when nothing is there, else `problem` says what is wrong (to follow
 * the file's name in a message).
 */
export function readSecretFile(target: string): SecretFileRead {
  let stats: Stats;
  try {
    stats = statSync(target);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { absent: true };
    return { problem: cannotRead(code) };
  }
  const notRegular = regularFileProblem(stats);
  if (notRegular) return { problem: notRegular };

  let fd: number;
  try {
    fd = openSync(target, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { problem: cannotRead((error as NodeJS.ErrnoException).code) };
  }
  let text: string;
  try {
    const again = regularFileProblem(fstatSync(fd));
    if (again) return { problem: again };
    // One byte more than allowed tells a file that grew past the limit since its stat.
    const buffer = Buffer.alloc(MAX_SECRET_FILE_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > MAX_SECRET_FILE_BYTES) return { problem: 'is larger than 64 KiB' };
    text = buffer.toString('utf8', 0, length).trim();
  } catch (error) {
    return { problem: cannotRead((error as NodeJS.ErrnoException).code) };
  } finally {
    closeSync(fd);
  }
  const problem = secretTextProblem(text);
  return problem ? { problem } : { secret: text };
}

function cannotRead(code: string | undefined): string {
  return code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? 'unknown error'})`;
}

function regularFileProblem(stats: Stats): string | undefined {
  if (stats.isFile()) return stats.size > MAX_SECRET_FILE_BYTES ? 'is larger than 64 KiB' : undefined;
  const kind = stats.isFIFO()
    ? 'a FIFO'
    : stats.isDirectory()
      ? 'a directory'
      : stats.isCharacterDevice() || stats.isBlockDevice()
        ? 'a device'
        : stats.isSocket()
          ? 'a socket'
          : 'not a file';
  return `is not a regular file (${kind})`;
}
