const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 3-character suffix that turns a 15-character Salesforce id into its 18-character form. */
export function salesforceIdSuffix(id15: string): string {
  return String.fromCharCode(suffixCode(id15, 0), suffixCode(id15, 1), suffixCode(id15, 2));
}

/** One suffix character: bit i set when character i of the 5-character chunk is an upper-case letter. */
function suffixCode(id: string, chunk: number): number {
  let bits = 0;
  for (let i = 0; i < 5; i++) {
    const c = id.charCodeAt(chunk * 5 + i);
    if (c >= 65 && c <= 90) bits |= 1 << i;
  }
  return CHECKSUM_ALPHABET.charCodeAt(bits);
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
  // The suffix is compared code by code, case-insensitively, with no string made: a run
  // at 100,000 accounts checks ~300,000 references.
  for (let chunk = 0; chunk < 3; chunk++) {
    const c = v.charCodeAt(15 + chunk);
    if ((c >= 97 && c <= 122 ? c - 32 : c) !== suffixCode(v, chunk)) return v;
  }
  return v.slice(0, 15);
}

/** An Account id in both its forms (15 and 18 characters), or the value alone when it is not one. */
export function referenceForms(value: string): string[] {
  const v = value.trim();
  if (/^[a-zA-Z0-9]{15}$/.test(v)) return [v, v + salesforceIdSuffix(v)];
  const short = normaliseReference(v);
  return short === v ? [v] : [v, short];
}
