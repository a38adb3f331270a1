/** Salesforce dateTime wire format: 2024-01-01T00:00:00.000+0000 (always UTC on output). */

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3})\d*)?(Z|[+-]\d{2}:?\d{2})?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Epoch ms for a Salesforce / ISO-8601 datetime, or undefined when it is not one. */
export function parseDateTime(text: string): number | undefined {
  const m = DATETIME.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = '0', zone = 'Z'] = m;
  const ms = Number(frac.padEnd(3, '0'));
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return Number.isNaN(t) ? undefined : t;
}

/** Epoch ms (UTC midnight) for YYYY-MM-DD. */
export function parseDate(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(t) ? undefined : t;
}

/** Paging re-serialises the same timestamps page after page: formatting is cached. */
const formatted = new Map<number, string>();

export function formatDateTime(ms: number): string {
  let text = formatted.get(ms);
  if (text === undefined) {
    if (formatted.size >= 500_000) formatted.clear();
    text = `${new Date(ms).toISOString().slice(0, -1)}+0000`;
    formatted.set(ms, text);
  }
  return text;
}

export function formatDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
