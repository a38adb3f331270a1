import { toId18 } from '@spoc/sandbox/kit';

/** Salesforce record ids (see seed/salesforce-ids.ts): accepted in both forms, always answered in the 18-char one. */

const ID_SHAPE = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

export function isIdShaped(value: unknown): value is string {
  return typeof value === 'string' && ID_SHAPE.test(value);
}

export function makeId(prefix: string, n: number): string {
  return toId18(`${prefix}${n.toString(36).toUpperCase().padStart(12, '0')}`);
}

export const ORG_ID = makeId('00D', 1);
