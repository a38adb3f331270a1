/**
 * Orders strings by UTF-16 code unit, the same everywhere: `localeCompare` depends on
 * the machine's locale, and a plan must be byte-identical wherever it is made.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
