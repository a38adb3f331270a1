/**
 * Salesforce record ids: a 3-character key prefix and a 12-character body (15, compared
 * case-sensitively), plus a 3-character case checksum in the 18-character form that
 * Salesforce always answers with. Shared by the seed generator and the Salesforce emulator.
 */

const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

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

/** The 18-character form of a 15-character id; any other value as it is. */
export function toId18(id: string): string {
  return id.length === 15 ? id + checksum(id) : id;
}
