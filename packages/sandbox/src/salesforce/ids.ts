/** Salesforce record ids: 3-char key prefix + 12-char body, plus a 3-char case checksum (18-char form). */

const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_SHAPE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** The 3-character suffix that makes a 15-char (case-sensitive) id case-insensitively unique. */
function checksum(id15: string): string {
  let out = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const ch = id15[chunk * 5 + i] ?? '';
      if (ch >= 'A' && ch <= 'Z') bits |= 1 << i;
    }
    out += CHECKSUM_ALPHABET[bits];
  }
  return out;
}

export function isIdShaped(value: unknown): value is string {
  return typeof value === 'string' && ID_SHAPE.test(value);
}

/** Salesforce accepts both forms on input and always answers with the 18-char one. */
export function toId18(id: string): string {
  return id.length === 15 ? id + checksum(id) : id;
}

export function makeId(prefix: string, n: number): string {
  const base = `${prefix}${n.toString(36).toUpperCase().padStart(12, '0')}`;
  return base + checksum(base);
}

export const ORG_ID = makeId('00D', 1);
