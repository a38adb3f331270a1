import { describe, expect, it } from 'vitest';
import type { PersonRecord, SystemId } from '../domain/types.ts';
import { buildDirectory } from './directory.ts';

const rec = (system: SystemId, id: string, email: string | null, active = true): PersonRecord => ({
  system,
  id,
  email,
  active,
});

describe('buildDirectory', () => {
  it('one person per canonical email, aliases folded, each system with its id and active state', () => {
    const dir = buildDirectory(
      [
        rec('hubspot', '11', ' Anna@Acme.com '),
        rec('salesforce', '005A', 'anna@acme.com', false),
        rec('zendesk', '901', 'ANNA@old-acme.io'),
      ],
      { 'anna@old-acme.io': 'anna@acme.com' },
    );
    expect([...dir.persons.keys()]).toEqual(['anna@acme.com']);
    expect(dir.byEmail('anna@OLD-acme.io')?.systems).toEqual({
      hubspot: { id: '11', active: true },
      salesforce: { id: '005A', active: false },
      zendesk: { id: '901', active: true },
    });
    expect(dir.bySystemId('zendesk', '901')?.email).toBe('anna@acme.com');
    expect(dir.bySystemId('hubspot', '901')).toBeUndefined();
    expect(dir.resolve('salesforce', { id: '005A' })).toMatchObject({ kind: 'person', id: '005A' });
    expect(dir.resolve('zendesk', { email: 'Anna@Old-Acme.io' })).toMatchObject({
      kind: 'person',
      person: { email: 'anna@acme.com' },
    });
    expect(dir.standing(dir.byEmail('anna@acme.com') as never, 'salesforce')).toBe('inactive');
    expect(dir.issues).toEqual([]);
  });

  it('reports people found in one system only', () => {
    const dir = buildDirectory(
      [rec('hubspot', '1', 'a@x.io'), rec('zendesk', '2', 'a@x.io'), rec('zendesk', '3', 'b@x.io')],
      {},
    );
    expect(dir.issues).toEqual([{ kind: 'single-system', email: 'b@x.io', system: 'zendesk' }]);
  });

  it('one email with two ids in a system: the only active one is used', () => {
    const dir = buildDirectory(
      [
        rec('salesforce', '005OLD', 'a@x.io', false),
        rec('salesforce', '005NEW', 'a@x.io'),
        rec('hubspot', '1', 'a@x.io'),
      ],
      {},
    );
    const a = dir.byEmail('a@x.io');
    expect(a?.systems.salesforce).toEqual({ id: '005NEW', active: true });
    // The old user still resolves to the person (it is who the field names).
    expect(dir.resolve('salesforce', { id: '005OLD' })).toMatchObject({ kind: 'person', id: '005OLD' });
    expect(dir.issues).toEqual([
      { kind: 'duplicate-email', email: 'a@x.io', system: 'salesforce', ids: ['005NEW', '005OLD'], chosen: '005NEW' },
    ]);
  });

  it('one email with two active ids in a system: ambiguous there, never written there', () => {
    const dir = buildDirectory(
      [rec('zendesk', '7', 'a@x.io'), rec('zendesk', '8', 'a@x.io'), rec('hubspot', '1', 'a@x.io')],
      {},
    );
    const a = dir.byEmail('a@x.io');
    expect(a?.systems.zendesk).toBeUndefined();
    expect(a && dir.standing(a, 'zendesk')).toBe('ambiguous');
    expect(a && dir.standing(a, 'salesforce')).toBe('absent');
    expect(dir.issues).toEqual([
      { kind: 'duplicate-email', email: 'a@x.io', system: 'zendesk', ids: ['7', '8'], chosen: null },
    ]);
  });

  it('users without an email stay addressable by id but match no one elsewhere', () => {
    const dir = buildDirectory([rec('hubspot', '5', null), rec('salesforce', '005X', '  ')], {});
    expect(dir.persons.size).toBe(0);
    expect(dir.recordOf('hubspot', '5')).toMatchObject({ id: '5' });
    expect(dir.resolve('hubspot', { id: '5' })).toEqual({ kind: 'no-email', id: '5' });
    expect(dir.resolve('hubspot', { id: '6' })).toEqual({ kind: 'unknown', value: '6' });
    expect(dir.resolve('hubspot', null)).toEqual({ kind: 'empty' });
    expect(dir.resolve('hubspot', { id: ' ' })).toEqual({ kind: 'empty' });
    expect(dir.resolve('zendesk', { email: 'ghost@x.io' })).toEqual({ kind: 'unknown', value: 'ghost@x.io' });
  });

  it('does not depend on input order', () => {
    const people = [
      rec('salesforce', '2', 'a@x.io', false),
      rec('salesforce', '1', 'a@x.io'),
      rec('hubspot', '9', 'A@x.io'),
      rec('zendesk', '3', 'b@x.io'),
    ];
    const a = buildDirectory(people, {});
    const b = buildDirectory([...people].reverse(), {});
    expect(JSON.stringify([...b.persons.values()])).toBe(JSON.stringify([...a.persons.values()]));
    expect(b.issues).toEqual(a.issues);
  });
});
