import type { SpocConfig } from '../config/types.ts';
import { REDACT_CENSOR } from './redact.ts';

/** Replaces every configured secret in a text; applied to all text leaving spoc (logs, output, the store). */
export type Mask = (text: string) => string;

/** Secrets shorter than this are not masked: they would mask ordinary words. */
const MIN_SECRET_LENGTH = 4;
/** A base64 fragment shorter than this is too likely to occur by chance. */
const MIN_ENCODED_LENGTH = 6;

/**
 * A mask for these secrets, by value, in the forms they travel in: as they are,
 * URL-encoded, JSON-escaped, and base64 (standard and URL-safe) inside any blob, so a
 * vendor or proxy page echoing `Authorization: Basic base64(anything:secret)` gives
 * nothing of the secret away.
 */
export function secretMask(secrets: Iterable<string>): Mask {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < MIN_SECRET_LENGTH) continue;
    forms.add(secret);
    forms.add(encodeURIComponent(secret));
    forms.add(JSON.stringify(secret).slice(1, -1));
    for (const encoded of base64Cores(secret)) if (encoded.length >= MIN_ENCODED_LENGTH) forms.add(encoded);
  }
  if (forms.size === 0) return (text) => text;
  // Longest first: where two forms start at the same place, the whole secret is masked.
  const pattern = new RegExp(
    [...forms]
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join('|'),
    'g',
  );
  return (text) => text.replace(pattern, REDACT_CENSOR);
}

/**
 * The secret's base64 as it appears inside a longer blob. Base64 turns each 3 bytes into
 * 4 characters, so the secret's encoding depends on where it starts modulo 3 (the
 * length of whatever comes before it, e.g. `user:`). For each start, the characters
 * that encode the secret's bits only: not the first ones, shared with the bytes before,
 * nor the last partial one, shared with the bytes after (or padding).
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const cores: string[] = [];
  for (const offset of [0, 1, 2]) {
    const blob = Buffer.concat([Buffer.alloc(offset), bytes]);
    const start = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    for (const alphabet of ['base64', 'base64url'] as const) cores.push(blob.toString(alphabet).slice(start, end));
  }
  return cores;
}

/**
 * The config's secrets, as each enabled system's definition names them in its settings
 * (tokens, client secrets, and the pairs it sends as Basic credentials), and the notice
 * channels' (a Slack token, a Teams webhook URL).
 */
export function configSecrets(config: SpocConfig): string[] {
  const channels = (config.notify?.channels ?? []).map((c) =>
    c.kind === 'slack' ? c.slack.token : c.teams.webhookUrl,
  );
  return [
    ...Object.values(config.systems).flatMap((s) => s.definition.config.secrets(s.settings)),
    ...channels,
    ...('postgres' in config.state ? postgresSecrets(config.state.postgres) : []),
  ].filter((v) => v !== '');
}

/** A Postgres URL, and its password alone and as the URL spells it (a driver's error may echo either). */
function postgresSecrets(url: string): string[] {
  try {
    const password = new URL(url).password;
    return password ? [url, password, decodeURIComponent(password)] : [url];
  } catch {
    return [url];
  }
}

const masks = new WeakMap<SpocConfig, Mask>();

/** The mask of a config's secrets (built once per config). */
export function configMask(config: SpocConfig): Mask {
  let mask = masks.get(config);
  if (!mask) {
    mask = secretMask(configSecrets(config));
    masks.set(config, mask);
  }
  return mask;
}

/** A copy of a plain value (a report) with every string masked. */
export function maskDeep<T>(value: T, mask: Mask): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, mask)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, mask)])) as T;
  }
  return value;
}

function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}
