import { describe, expect, it } from 'vitest';
import { describeUrl, multiRowInsert, numberPlaceholders } from './postgres-db.ts';

describe('the SQL the Postgres store sends', () => {
  it('numbers placeholders and names a server without its password', () => {
    expect(numberPlaceholders('SELECT a FROM t WHERE b = ? AND c IN (?, ?)')).toBe(
      'SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)',
    );
    expect(describeUrl('postgres://spoc:s3cret@db.internal:6432/state')).toBe('db.internal:6432/state');
    expect(describeUrl('postgres://spoc:s3cret@db.internal/state')).toBe('db.internal:5432/state');
    expect(describeUrl('not a url')).not.toContain('not a url');
  });

  it('sends an upsert of many rows as few statements, the last row of a key kept as row by row would', () => {
    const insert = multiRowInsert(
      'INSERT INTO baselines (system, record_id, role, value) VALUES (?, ?, ?, ?) ON CONFLICT (system, record_id, role) DO UPDATE SET value = excluded.value',
    );
    expect(insert).toBeDefined();
    const rows = [
      ['crm', '1', 'owner', 'a@x.io'],
      ['crm', '2', 'owner', 'b@x.io'],
      ['crm', '1', 'owner', 'c@x.io'],
    ];
    const unique = insert?.unique(rows) ?? [];
    expect(unique).toEqual([
      ['crm', '1', 'owner', 'c@x.io'],
      ['crm', '2', 'owner', 'b@x.io'],
    ]);
    const chunks = [...(insert?.chunks(unique) ?? [])];
    expect(chunks).toEqual([
      {
        text: 'INSERT INTO baselines (system, record_id, role, value) VALUES ($1, $2, $3, $4), ($5, $6, $7, $8) ON CONFLICT (system, record_id, role) DO UPDATE SET value = excluded.value',
        params: ['crm', '1', 'owner', 'c@x.io', 'crm', '2', 'owner', 'b@x.io'],
      },
    ]);
  });

  it('keeps every statement under Postgres’ parameter limit, and leaves other statements alone', () => {
    const insert = multiRowInsert('INSERT INTO t (a, b, c) VALUES (?, ?, ?)');
    const rows = Array.from({ length: 2_500 }, (_, i) => [i, `b${i}`, null]);
    const chunks = [...(insert?.chunks(insert.unique(rows)) ?? [])];
    expect(chunks.map((c) => c.params.length)).toEqual([3_000, 3_000, 1_500]);
    expect(chunks.flatMap((c) => c.params)).toEqual(rows.flat());
    expect(multiRowInsert('UPDATE t SET a = ? WHERE b = ?')).toBeUndefined();
    expect(multiRowInsert('INSERT INTO t (a) SELECT a FROM u WHERE b = ?')).toBeUndefined();
  });
});
