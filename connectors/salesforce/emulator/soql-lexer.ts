import { parseDate, parseDateTime } from './datetime.ts';

export type TokenKind = 'ident' | 'string' | 'number' | 'datetime' | 'date' | 'op' | 'punct' | 'eof';

export interface Token {
  kind: TokenKind;
  /** Source text (identifiers keep their case; keywords are matched case-insensitively). */
  text: string;
  /** Unescaped string, number, or epoch ms for datetime/date literals. */
  value?: string | number;
  /** 1-based position, as Salesforce reports it in "ERROR at Row:R:Column:C". */
  row: number;
  column: number;
}

/** A SOQL error with the position Salesforce's message points at. */
export class SoqlError extends Error {
  readonly errorCode: string;
  readonly row: number;
  readonly column: number;

  constructor(errorCode: string, detail: string, at: { row: number; column: number }) {
    super(detail);
    this.errorCode = errorCode;
    this.row = at.row;
    this.column = at.column;
  }

  /** Salesforce's message: the offending line, a caret under the column, the position, the detail. */
  format(soql: string): string {
    const line = soql.split('\n')[this.row - 1] ?? '';
    return `\n${line}\n${' '.repeat(Math.max(0, this.column - 1))}^\nERROR at Row:${this.row}:Column:${this.column}\n${this.message}`;
  }
}

const DATETIME_AHEAD = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})/;
const DATE_AHEAD = /^\d{4}-\d{2}-\d{2}(?![\dT])/;
const NUMBER_AHEAD = /^[+-]?\d+(?:\.\d+)?/;
const IDENT_AHEAD = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*/;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', "'": "'", '"': '"', '\\': '\\' };

export function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let row = 1;
  let lineStart = 0;
  while (i < soql.length) {
    const ch = soql[i] ?? '';
    if (ch === '\n') {
      row++;
      i++;
      lineStart = i;
      continue;
    }
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const at = { row, column: i - lineStart + 1 };
    const rest = soql.slice(i, i + 64);
    if (ch === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        const c = soql[j];
        if (c === undefined) throw new SoqlError('MALFORMED_QUERY', 'unterminated string literal', at);
        if (c === "'") break;
        if (c === '\\') {
          const next = soql[j + 1] ?? '';
          // \% and \_ stay escaped: only LIKE gives them meaning.
          if (next === '%' || next === '_') value += `\\${next}`;
          else if (next in ESCAPES) value += ESCAPES[next];
          else
            throw new SoqlError(
              'MALFORMED_QUERY',
              `Invalid string literal '${soql.slice(i, j + 2)}'. Illegal character sequence '\\${next}' in string literal.`,
              at,
            );
          j += 2;
          continue;
        }
        value += c;
        j++;
      }
      tokens.push({ kind: 'string', text: soql.slice(i, j + 1), value, ...at });
      i = j + 1;
      continue;
    }
    const datetime = DATETIME_AHEAD.exec(rest);
    if (datetime) {
      tokens.push({ kind: 'datetime', text: datetime[0], value: parseDateTime(datetime[0]) ?? Number.NaN, ...at });
      i += datetime[0].length;
      continue;
    }
    const date = DATE_AHEAD.exec(rest);
    if (date) {
      tokens.push({ kind: 'date', text: date[0], value: parseDate(date[0]) ?? Number.NaN, ...at });
      i += date[0].length;
      continue;
    }
    const number = /[\d+-]/.test(ch) ? NUMBER_AHEAD.exec(rest) : null;
    if (number) {
      tokens.push({ kind: 'number', text: number[0], value: Number(number[0]), ...at });
      i += number[0].length;
      continue;
    }
    const ident = IDENT_AHEAD.exec(soql.slice(i));
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0], ...at });
      i += ident[0].length;
      continue;
    }
    const op = /^(?:!=|<>|<=|>=|=|<|>)/.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', text: op[0], ...at });
      i += op[0].length;
      continue;
    }
    if ('(),:'.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch, ...at });
      i++;
      continue;
    }
    throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${ch}'`, at);
  }
  tokens.push({ kind: 'eof', text: '<EOF>', row, column: i - lineStart + 1 });
  return tokens;
}
