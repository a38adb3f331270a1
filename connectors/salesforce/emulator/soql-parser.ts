import { SoqlError, type Token, tokenize } from './soql-lexer.ts';

/**
 * The SOQL subset spoc needs: SELECT fields (with relationship paths) or COUNT() FROM one
 * object, WHERE with comparisons, IN, LIKE, AND/OR/NOT and parentheses, ORDER BY, LIMIT, OFFSET.
 */
export interface FieldRef {
  path: string;
  at: Token;
}

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'datetime'; value: number }
  | { kind: 'date'; value: number }
  /** TODAY, YESTERDAY, LAST_N_DAYS:n, … */
  | { kind: 'dateLiteral'; name: string; n: number };

export type Operator = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'compare'; field: FieldRef; op: Operator; value: Literal; at: Token }
  | { kind: 'in'; field: FieldRef; negate: boolean; values: Literal[]; at: Token }
  | { kind: 'like'; field: FieldRef; pattern: string; at: Token };

export interface OrderItem {
  field: FieldRef;
  descending: boolean;
  nullsLast: boolean;
}

export interface SoqlQuery {
  /** SELECT COUNT() — answers totalSize only. */
  count: boolean;
  fields: FieldRef[];
  from: { name: string; at: Token };
  where?: Condition;
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
}

const KEYWORDS = new Set([
  'select',
  'from',
  'where',
  'order',
  'by',
  'limit',
  'offset',
  'and',
  'or',
  'not',
  'in',
  'like',
  'asc',
  'desc',
  'nulls',
  'first',
  'last',
  'true',
  'false',
  'null',
  'group',
  'having',
]);

export function parseSoql(soql: string): SoqlQuery {
  return new Parser(tokenize(soql)).query();
}

class Parser {
  private readonly tokens: Token[];
  private pos = 0;

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.pos++;
    return token;
  }

  private isKeyword(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'ident' && token.text.toLowerCase() === word;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.pos++;
    return true;
  }

  private unexpected(token: Token = this.peek()): SoqlError {
    const shown = token.kind === 'eof' ? '<EOF>' : `'${token.text}'`;
    return new SoqlError('MALFORMED_QUERY', `unexpected token: ${shown}`, token);
  }

  private expectKeyword(word: string): void {
    if (!this.acceptKeyword(word)) throw this.unexpected();
  }

  private expectPunct(p: string): void {
    const token = this.next();
    if (token.kind !== 'punct' || token.text !== p) throw this.unexpected(token);
  }

  private fieldRef(): FieldRef {
    const token = this.next();
    if (token.kind !== 'ident' || KEYWORDS.has(token.text.toLowerCase())) throw this.unexpected(token);
    return { path: token.text, at: token };
  }

  private integer(): number {
    const token = this.next();
    if (token.kind !== 'number' || !Number.isInteger(token.value) || (token.value as number) < 0) {
      throw this.unexpected(token);
    }
    return token.value as number;
  }

  query(): SoqlQuery {
    this.expectKeyword('select');
    let count = false;
    const fields: FieldRef[] = [];
    if (this.isKeyword('count') && this.peek(1).text === '(') {
      this.pos++;
      this.expectPunct('(');
      this.expectPunct(')');
      count = true;
    } else {
      fields.push(this.fieldRef());
      while (this.peek().text === ',') {
        this.pos++;
        fields.push(this.fieldRef());
      }
    }
    this.expectKeyword('from');
    const fromToken = this.next();
    if (fromToken.kind !== 'ident' || KEYWORDS.has(fromToken.text.toLowerCase())) throw this.unexpected(fromToken);
    const query: SoqlQuery = { count, fields, from: { name: fromToken.text, at: fromToken }, orderBy: [] };

    if (this.acceptKeyword('where')) query.where = this.condition();
    if (this.acceptKeyword('order')) {
      this.expectKeyword('by');
      let more = true;
      while (more) {
        const field = this.fieldRef();
        const descending = this.acceptKeyword('desc');
        if (!descending) this.acceptKeyword('asc');
        // Salesforce's default: nulls first ascending, nulls last descending.
        let nullsLast = descending;
        if (this.acceptKeyword('nulls')) {
          if (this.acceptKeyword('last')) nullsLast = true;
          else if (this.acceptKeyword('first')) nullsLast = false;
          else throw this.unexpected();
        }
        query.orderBy.push({ field, descending, nullsLast });
        more = this.peek().text === ',';
        if (more) this.pos++;
      }
    }
    if (this.acceptKeyword('limit')) query.limit = this.integer();
    if (this.acceptKeyword('offset')) query.offset = this.integer();
    if (this.peek().kind !== 'eof') throw this.unexpected();
    return query;
  }

  /** One level mixes only AND or only OR, as in SOQL: `a AND b OR c` needs parentheses. */
  private condition(): Condition {
    const first = this.unary();
    let joiner: 'and' | 'or' | undefined;
    const items = [first];
    for (;;) {
      const word = this.isKeyword('and') ? 'and' : this.isKeyword('or') ? 'or' : undefined;
      if (!word) break;
      if (joiner && joiner !== word) throw this.unexpected();
      joiner = word;
      this.pos++;
      items.push(this.unary());
    }
    return joiner ? { kind: joiner, items } : first;
  }

  private unary(): Condition {
    if (this.acceptKeyword('not')) return { kind: 'not', item: this.unary() };
    if (this.peek().text === '(' && this.peek().kind === 'punct') {
      this.pos++;
      const inner = this.condition();
      this.expectPunct(')');
      return inner;
    }
    return this.simple();
  }

  private simple(): Condition {
    const field = this.fieldRef();
    const at = this.peek();
    if (at.kind === 'op') {
      this.pos++;
      const op = (at.text === '<>' ? '!=' : at.text) as Operator;
      return { kind: 'compare', field, op, value: this.literal(), at: this.tokens[this.pos - 1] as Token };
    }
    if (this.acceptKeyword('like')) {
      const token = this.next();
      if (token.kind !== 'string') throw this.unexpected(token);
      return { kind: 'like', field, pattern: token.value as string, at: token };
    }
    const negate = this.acceptKeyword('not');
    if (this.acceptKeyword('in')) {
      this.expectPunct('(');
      const values = [this.literal()];
      while (this.peek().text === ',') {
        this.pos++;
        values.push(this.literal());
      }
      this.expectPunct(')');
      return { kind: 'in', field, negate, values, at };
    }
    throw this.unexpected();
  }

  private literal(): Literal {
    const token = this.next();
    switch (token.kind) {
      case 'string':
        return { kind: 'string', value: token.value as string };
      case 'number':
        return { kind: 'number', value: token.value as number };
      case 'datetime':
      case 'date':
        if (Number.isNaN(token.value)) throw new SoqlError('MALFORMED_QUERY', `invalid date: ${token.text}`, token);
        return { kind: token.kind, value: token.value as number };
      case 'ident': {
        const word = token.text.toLowerCase();
        if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true' };
        if (word === 'null') return { kind: 'null' };
        if (/^[a-z_]+$/.test(word) && word.toUpperCase() === token.text.toUpperCase()) {
          let n = 0;
          if (this.peek().text === ':') {
            this.pos++;
            n = this.integer();
          }
          return { kind: 'dateLiteral', name: token.text.toUpperCase(), n };
        }
        throw this.unexpected(token);
      }
      default:
        throw this.unexpected(token);
    }
  }
}
