/**
 * A small scanner over Triage query text that finds the clauses holding
 * template variables and what each variable is there: a field name, a value
 * after "field:", free text, part of a phrase, a range bound, a comparand or
 * a set element. It follows pkg/query's lexing (escapes, quotes, where ':'
 * ends a word) loosely: text it does not understand is copied unchanged and
 * left for the backend's parser to report.
 */
import { isSpace } from './escape';
import { VariableRef, variableAt } from './variables';

/** A run of query text as written, or a variable reference. */
export type Piece = { kind: 'lit'; text: string } | { kind: 'var'; ref: VariableRef };

/** A word is the pieces of one unquoted token. */
export type Word = Piece[];

/** The value part of a clause. */
export type ClauseValue =
  | { kind: 'word'; word: Word }
  | { kind: 'phrase'; quote: string; pieces: Piece[]; suffix: string }
  | { kind: 'range'; open: string; lower: Word; upper: Word; close: string }
  | { kind: 'compare'; op: string; word: Word }
  | { kind: 'set'; items: Word[] };

/** One clause: an optional field, and a value in that field or the default fields. */
export interface Clause {
  /** The field word before ':' when written in this clause. */
  field?: Word;
  /** The field of the enclosing field group (`field:(a OR $b)`). */
  groupField?: string;
  value: ClauseValue;
}

/** The query text cut into copied text, clauses, and the field words of field groups. */
export type Segment =
  | { kind: 'text'; text: string }
  | { kind: 'clause'; text: string; clause: Clause; hasVars: boolean }
  | { kind: 'groupField'; text: string; field: Word };

type WordMode = 'default' | 'value' | 'bound';

class Scanner {
  pos = 0;
  segments: Segment[] = [];
  private textStart = 0;
  // For each open parenthesis: the field of a field group, or '' for a plain group.
  private groups: string[] = [];

  constructor(private readonly text: string) {}

  scan(): Segment[] {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t[this.pos];
      if (isSpace(c) || c === '-' || c === '+') {
        this.pos++;
      } else if (c === '(') {
        this.groups.push(this.currentGroupField());
        this.pos++;
      } else if (c === ')') {
        this.groups.pop();
        this.pos++;
      } else if (this.keywordAt()) {
        this.pos += this.keywordAt().length;
      } else {
        this.clause();
      }
    }
    this.flushText(t.length);
    return this.segments;
  }

  private currentGroupField(): string {
    return this.groups.length > 0 ? this.groups[this.groups.length - 1] : '';
  }

  private keywordAt(): string {
    for (const kw of ['AND', 'OR', 'NOT']) {
      if (this.text.startsWith(kw, this.pos)) {
        const next = this.text[this.pos + kw.length];
        if (next === undefined || next === '(' || next === ')' || isSpace(next)) {
          return kw;
        }
      }
    }
    return '';
  }

  private flushText(end: number) {
    if (end > this.textStart) {
      this.segments.push({ kind: 'text', text: this.text.slice(this.textStart, end) });
    }
    this.textStart = end;
  }

  private clause() {
    const start = this.pos;
    const groupField = this.currentGroupField();
    let field: Word | undefined;
    if (groupField === '') {
      const c = this.text[this.pos];
      if (c !== '"' && c !== "'") {
        const w = this.word('default');
        if (this.text[this.pos] === ':') {
          field = w;
          this.pos++;
          if (this.text[this.pos] === '(') {
            // A field group: its clauses are values of the field.
            if (hasVar(w)) {
              this.flushText(start);
              this.segments.push({ kind: 'groupField', text: this.text.slice(start, this.pos), field: w });
              this.textStart = this.pos;
            }
            this.groups.push(wordText(w));
            this.pos++;
            return;
          }
        } else {
          this.push(start, { value: { kind: 'word', word: w } });
          return;
        }
      }
    }
    const value = this.value(field !== undefined || groupField !== '');
    this.push(start, { field, groupField: groupField || undefined, value });
  }

  private push(start: number, clause: Clause) {
    if (this.pos === start) {
      // Nothing readable here (a stray reserved character): copy it.
      this.pos++;
      return;
    }
    this.flushText(start);
    const text = this.text.slice(start, this.pos);
    this.segments.push({ kind: 'clause', text, clause, hasVars: clauseHasVars(clause) });
    this.textStart = this.pos;
  }

  private value(inField: boolean): ClauseValue {
    const t = this.text;
    const c = t[this.pos];
    if (c === '"' || c === "'") {
      return this.phrase();
    }
    if (inField && (c === '[' || c === '{') && !variableAt(t, this.pos)) {
      return this.range();
    }
    if (inField && (c === '>' || c === '<')) {
      const op = t[this.pos + 1] === '=' ? c + '=' : c;
      this.pos += op.length;
      return { kind: 'compare', op, word: this.word('bound') };
    }
    if (inField && t.startsWith('IN', this.pos)) {
      let j = this.pos + 2;
      while (j < t.length && isSpace(t[j])) {
        j++;
      }
      if (t[j] === '[' && !variableAt(t, j)) {
        this.pos = j;
        return this.set();
      }
    }
    return { kind: 'word', word: this.word(inField ? 'value' : 'default') };
  }

  private phrase(): ClauseValue {
    const t = this.text;
    const quote = t[this.pos];
    this.pos++;
    const pieces: Piece[] = [];
    this.quotedBody(quote, pieces);
    this.pos = Math.min(this.pos + 1, t.length);
    let suffix = '';
    if (t[this.pos] === '*') {
      suffix = '*';
      this.pos++;
    }
    return { kind: 'phrase', quote, pieces, suffix };
  }

  // quotedBody reads up to (not past) the closing quote, splitting the text
  // into literal pieces and the variables inside it.
  private quotedBody(quote: string, pieces: Piece[]): void {
    const t = this.text;
    let lit = '';
    while (this.pos < t.length && t[this.pos] !== quote) {
      const ref = variableAt(t, this.pos);
      if (ref) {
        pushLit(pieces, lit);
        lit = '';
        pieces.push({ kind: 'var', ref });
        this.pos += ref.match.length;
        continue;
      }
      const step = t[this.pos] === '\\' && this.pos + 1 < t.length ? 2 : 1;
      lit += t.slice(this.pos, this.pos + step);
      this.pos += step;
    }
    pushLit(pieces, lit);
  }

  private range(): ClauseValue {
    const t = this.text;
    const open = t[this.pos];
    this.pos++;
    this.skipSpace();
    const lower = this.word('bound');
    this.skipSpace();
    this.word('bound'); // TO
    this.skipSpace();
    const upper = this.word('bound');
    this.skipSpace();
    let close = '';
    if (t[this.pos] === ']' || t[this.pos] === '}') {
      close = t[this.pos];
      this.pos++;
    }
    return { kind: 'range', open, lower, upper, close };
  }

  private set(): ClauseValue {
    const t = this.text;
    this.pos++; // [
    const items: Word[] = [];
    for (;;) {
      this.skipSpace();
      if (this.pos >= t.length) {
        break;
      }
      if (t[this.pos] === ']') {
        this.pos++;
        break;
      }
      const start = this.pos;
      const w = t[this.pos] === '"' || t[this.pos] === "'" ? this.quotedItem() : this.word('bound');
      if (this.pos === start) {
        this.pos++;
        items.push([{ kind: 'lit', text: t[start] }]);
        continue;
      }
      items.push(w);
    }
    return { kind: 'set', items };
  }

  // quotedItem reads a quoted set element: its quotes are literal pieces of
  // their own, so a variable inside can be rendered as phrase text.
  private quotedItem(): Word {
    const t = this.text;
    const quote = t[this.pos];
    this.pos++;
    const pieces: Piece[] = [{ kind: 'lit', text: quote }];
    this.quotedBody(quote, pieces);
    if (this.pos < t.length) {
      pieces.push({ kind: 'lit', text: quote });
      this.pos++;
    }
    return pieces;
  }

  private skipSpace() {
    while (this.pos < this.text.length && isSpace(this.text[this.pos])) {
      this.pos++;
    }
  }

  // word reads an unquoted word; variable references inside it become var pieces.
  private word(mode: WordMode): Word {
    const t = this.text;
    const pieces: Piece[] = [];
    let lit = '';
    while (this.pos < t.length) {
      const ref = variableAt(t, this.pos);
      if (ref) {
        pushLit(pieces, lit);
        lit = '';
        pieces.push({ kind: 'var', ref });
        this.pos += ref.match.length;
        continue;
      }
      const c = t[this.pos];
      if (c === '\\') {
        const step = this.pos + 1 < t.length ? 1 + codePointLength(t, this.pos + 1) : 1;
        lit += t.slice(this.pos, this.pos + step);
        this.pos += step;
        continue;
      }
      if (atWordEnd(c, mode)) {
        break;
      }
      const n = codePointLength(t, this.pos);
      lit += t.slice(this.pos, this.pos + n);
      this.pos += n;
    }
    pushLit(pieces, lit);
    return pieces;
  }
}

function atWordEnd(c: string, mode: WordMode): boolean {
  switch (c) {
    case '(':
    case ')':
      return mode !== 'bound';
    case ':':
      return mode === 'default';
    case ']':
    case '}':
      return mode === 'bound';
  }
  return isSpace(c);
}

function codePointLength(t: string, i: number): number {
  const cp = t.codePointAt(i) ?? 0;
  return cp > 0xffff ? 2 : 1;
}

function pushLit(pieces: Piece[], text: string) {
  if (text !== '') {
    pieces.push({ kind: 'lit', text });
  }
}

function wordText(w: Word): string {
  return w.map((p) => (p.kind === 'lit' ? p.text : p.ref.match)).join('');
}

function hasVar(pieces: Piece[]): boolean {
  return pieces.some((p) => p.kind === 'var');
}

function clauseHasVars(c: Clause): boolean {
  if (c.field && hasVar(c.field)) {
    return true;
  }
  const v = c.value;
  switch (v.kind) {
    case 'word':
    case 'compare':
      return hasVar(v.word);
    case 'phrase':
      return hasVar(v.pieces);
    case 'range':
      return hasVar(v.lower) || hasVar(v.upper);
    case 'set':
      return v.items.some(hasVar);
  }
}

/** scanQuery cuts query text into copied text and clauses. */
export function scanQuery(text: string): Segment[] {
  return new Scanner(text).scan();
}
