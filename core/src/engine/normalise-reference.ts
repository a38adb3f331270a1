const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 3-character suffix that turns a 15-character Salesforce id into its 18-character form. */
export function salesforceIdSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charAt(chunk * 5 + i);
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += CHECKSUM_ALPHABET.charAt(bits);
  }
  return suffix;
}

/**
 * A cross-reference value in comparable form. Salesforce ids compare equal in 15- and
 * 18-character form, so an 18-character id whose suffix is the checksum of its first
 * 15 characters becomes those 15 (case-sensitive, as Salesforce compares them). Other
 * values are only trimmed: an 18-character value that is not a Salesforce id keeps
 * every character and cannot collide with a different one.
 */
export function normaliseReference(value: string): string {
  const v = value.trim();
  if (!/^[a-zA-Z0-9]{18}$/.test(v)) return v;
  const id15 = v.slice(0, 15);
  return salesforceIdSuffix(id15) === v.slice(15).toUpperCase() ? id15 : v;
}
