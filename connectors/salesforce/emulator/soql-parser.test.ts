import { describe, expect, it } from 'vitest';
import { SoqlError } from './soql-lexer.ts';
import { parseSoql } from './soql-parser.ts';

function errorOf(soql: string): SoqlError {
  try {
    parseSoql(soql);
  } catch (error) {
    if (error instanceof SoqlError) return error;
    throw error;
  }
  throw new Error(`expected ${soql} to fail`);
}

describe('SOQL parser', () => {
  it('parses fields, relationship paths, nested conditions, ORDER BY with NULLS, LIMIT and OFFSET', () => {
    const q = parseSoql(
      "select Id, Owner.Email from account where (SystemModstamp > 2024-01-01T00:00:00.000+0000 or (SystemModstamp = 2024-01-01T00:00:00Z and Id > '001')) and not Name like 'a\\%%' order by SystemModstamp desc nulls first, Id limit 10 offset 5",
    );
    expect(q.fields.map((f) => f.path)).toEqual(['Id', 'Owner.Email']);
    expect(q.from.name).toBe('account');
    expect(q.where?.kind).toBe('and');
    expect(q.orderBy.map((o) => [o.field.path, o.descending, o.nullsLast])).toEqual([
      ['SystemModstamp', true, false],
      ['Id', false, false],
    ]);
    expect(q.limit).toBe(10);
    expect(q.offset).toBe(5);
  });

  it('reads literals: escaped strings, numbers, booleans, null, datetimes in both offsets, dates and date literals', () => {
    const q = parseSoql(
      "SELECT Id FROM Account WHERE Name IN ('O\\'Brien', 'x') AND N__c = -1.5 AND B__c = TRUE AND C__c = null AND D__c = 2024-01-01 AND E__c >= 2024-01-01T01:00:00+01:00 AND F__c = LAST_N_DAYS:7",
    );
    const items = q.where?.kind === 'and' ? q.where.items : [];
    const values = items.map((c) => (c.kind === 'compare' ? c.value : c.kind === 'in' ? c.values : undefined));
    expect(values).toEqual([
      [
        { kind: 'string', value: "O'Brien" },
        { kind: 'string', value: 'x' },
      ],
      { kind: 'number', value: -1.5 },
      { kind: 'boolean', value: true },
      { kind: 'null' },
      { kind: 'date', value: Date.UTC(2024, 0, 1) },
      { kind: 'datetime', value: Date.UTC(2024, 0, 1) },
      { kind: 'dateLiteral', name: 'LAST_N_DAYS', n: 7 },
    ]);
  });

  it('rejects AND and OR mixed at one level (SOQL needs parentheses), with the position', () => {
    const error = errorOf("SELECT Id FROM Account WHERE Name = 'a' AND Id = 'b' OR Id = 'c'");
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.message).toBe("unexpected token: 'OR'");
    expect(error.column).toBe(54);
  });

  it('reports malformed queries as MALFORMED_QUERY', () => {
    expect(errorOf('SELECT FROM Account').errorCode).toBe('MALFORMED_QUERY');
    expect(errorOf('SELECT Id FROM Account WHERE').message).toBe('unexpected token: <EOF>');
    expect(errorOf("SELECT Id FROM Account WHERE Name = 'open").errorCode).toBe('MALFORMED_QUERY');
    expect(errorOf('SELECT Id FROM Account GROUP BY Name').errorCode).toBe('MALFORMED_QUERY');
  });
});
