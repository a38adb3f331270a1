/**
 * The bare host of a web address, for linking accounts: scheme, credentials, `www.`,
 * path, query, fragment, port and trailing dot stripped; lower-cased. Empty for blanks
 * and for values that are not a dotted host name ("n/a", "localhost"), so that
 * placeholders never link unrelated accounts.
 */
export function normaliseDomain(raw: string): string {
  let s = raw.trim().toLowerCase();
  s = s.replace(/^[a-z][a-z0-9+.-]*:\/\//, '');
  s = s.replace(/^\/\//, '');
  s = s.replace(/^[^@/?#]*@/, '');
  s = s.split(/[/?#\\]/)[0] ?? '';
  s = s.replace(/:\d*$/, '');
  s = s.replace(/\.$/, '');
  s = s.replace(/^www\d*\./, '');
  return /^[^\s.:]+(\.[^\s.:]+)+$/.test(s) ? s : '';
}
