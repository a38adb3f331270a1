/**
 * The bare host of a web address, for linking accounts: scheme, credentials, `www.`,
 * path, query, port and trailing dot stripped; lower-cased. Empty for blanks.
 */
export function normaliseDomain(raw: string): string {
  let s = raw.trim().toLowerCase();
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  s = s.replace(/^[^@/]*@/, '');
  s = s.split(/[/?#]/)[0] ?? '';
  s = s.replace(/:\d+$/, '');
  s = s.replace(/\.$/, '');
  s = s.replace(/^www\d*\./, '');
  return s;
}

/** Salesforce ids compare equal in 15- and 18-character form: keep the case-sensitive 15. */
export function normaliseReference(value: string): string {
  const v = value.trim();
  return /^[a-zA-Z0-9]{18}$/.test(v) && /[a-zA-Z]/.test(v) ? v.slice(0, 15) : v;
}
