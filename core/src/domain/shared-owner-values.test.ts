import { describe, expect, it } from 'vitest';
import { ownerValueSharing } from './shared-owner-values.ts';
import type { AccountRecord, OwnerValue } from './types.ts';

const record = (id: string, owner: OwnerValue, csm: OwnerValue): AccountRecord => ({
  system: 'hubspot',
  id,
  name: id,
  domains: [],
  xrefs: {},
  roles: { owner, csm },
  modifiedAt: null,
});

describe('ownerValueSharing', () => {
  it('gives equal role values one shared object, and keeps every value as it was', () => {
    const share = ownerValueSharing();
    const a = share(record('1', { id: '7' }, { email: 'anna@acme.test' }));
    const b = share(record('2', { id: '7' }, { email: 'bruno@acme.test' }));
    const c = share(record('3', { email: '7' }, null));
    expect(a.roles).toEqual({ owner: { id: '7' }, csm: { email: 'anna@acme.test' } });
    expect(b.roles).toEqual({ owner: { id: '7' }, csm: { email: 'bruno@acme.test' } });
    expect(c.roles).toEqual({ owner: { email: '7' }, csm: null });
    expect(a.roles.owner).toBe(b.roles.owner);
    // An id and an email with the same text are different values.
    expect(c.roles.owner).not.toBe(a.roles.owner);
  });

  it('freezes shared values, so editing one record cannot change another', () => {
    const share = ownerValueSharing();
    const a = share(record('1', { id: '7' }, null));
    const b = share(record('2', { id: '7' }, null));
    expect(() => {
      (a.roles.owner as { id: string }).id = '8';
    }).toThrow(TypeError);
    expect(b.roles.owner).toEqual({ id: '7' });
    // Replacing a record's value (what a write does) stays possible.
    a.roles.owner = { id: '8' };
    expect(b.roles.owner).toEqual({ id: '7' });
  });
});
