/** Canonical form of an email: trimmed and lower-cased (aliases are applied by the people directory). */
export function canonicalEmail(email: string): string {
  return email.trim().toLowerCase();
}
