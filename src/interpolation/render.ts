/**
 * Rendering a clause that holds variables once their values are known, by
 * context: several values after "field:" become a set, several values
 * elsewhere a parenthesised OR of the clause, All a clause matching any value,
 * and an empty multi-value a clause matching nothing.
 */
import { escapeComparand, escapePhraseText, escapeTerm, escapeValue, EscapeContext } from './escape';
import { ResolvedValue } from './resolve';
import { Clause, Piece, Word } from './scanner';

/** The value one variable reference takes in one rendering of a clause. */
type Assigned = { kind: 'value'; value: string } | { kind: 'all' } | { kind: 'text'; text: string };

type Lookup = (p: Piece) => Assigned | undefined;

/** Matches nothing outside a field group; `NOT *` would mean "field missing" inside one. */
const NOTHING = '(NOT *)';
const NOTHING_IN_GROUP = '(* AND NOT *)';

/** renderClause renders clause with each variable resolved by resolve. */
export function renderClause(clause: Clause, resolve: (p: Piece) => ResolvedValue): string {
  const spread = new Set<Piece>(clause.value.kind === 'set' ? clause.value.items.flat() : []);
  const vars: Piece[] = [...(clause.field ?? []), ...valuePieces(clause)].filter((p) => p.kind === 'var');
  const options: Assigned[][] = [];
  for (const p of vars) {
    const r = resolve(p);
    if (spread.has(p)) {
      options.push([{ kind: 'value', value: '' }]); // set elements are spread when rendered
      continue;
    }
    const inField = clause.field?.includes(p) ?? false;
    if (r.kind === 'text') {
      options.push([{ kind: 'text', text: r.text }]);
    } else if (r.kind === 'all' && !inField) {
      options.push([{ kind: 'all' }]);
    } else {
      if (r.values.length === 0) {
        return clause.groupField ? NOTHING_IN_GROUP : NOTHING;
      }
      options.push(r.values.map((value) => ({ kind: 'value', value })));
    }
  }
  const alternatives: string[] = [];
  for (const combo of product(options)) {
    const byPiece = new Map<Piece, Assigned>(vars.map((p, i) => [p, combo[i]]));
    const text = renderOne(clause, (p) => byPiece.get(p), resolve);
    if (!alternatives.includes(text)) {
      alternatives.push(text);
    }
  }
  if (alternatives.length === 1) {
    return alternatives[0];
  }
  const only = singleVar(clause);
  if (only && clause.value.kind === 'word' && (clause.field || clause.groupField)) {
    const r = resolve(only);
    if (r.kind === 'list') {
      return (
        fieldPrefix(clause, () => undefined) + 'IN [' + r.values.map((v) => escapeTerm(v, 'bound')).join(' ') + ']'
      );
    }
  }
  return '(' + alternatives.join(' OR ') + ')';
}

function valuePieces(c: Clause): Piece[] {
  const v = c.value;
  switch (v.kind) {
    case 'word':
    case 'compare':
      return v.word;
    case 'phrase':
      return v.pieces;
    case 'range':
      return [...v.lower, ...v.upper];
    case 'set':
      return v.items.flat();
  }
}

// singleVar is the variable when the clause's value is exactly one reference
// and its field has none.
function singleVar(c: Clause): Piece | undefined {
  if (c.value.kind !== 'word' || c.value.word.length !== 1 || c.value.word[0].kind !== 'var') {
    return undefined;
  }
  if (c.field?.some((p) => p.kind === 'var')) {
    return undefined;
  }
  return c.value.word[0];
}

function* product(options: Assigned[][]): Generator<Assigned[]> {
  if (options.length === 0) {
    yield [];
    return;
  }
  const [first, ...rest] = options;
  for (const tail of product(rest)) {
    for (const a of first) {
      yield [a, ...tail];
    }
  }
}

function fieldPrefix(c: Clause, get: Lookup): string {
  return c.field ? renderWord(c.field, 'field', get) + ':' : '';
}

function exists(c: Clause, get: Lookup): string {
  return c.field ? fieldPrefix(c, get) + '*' : '*';
}

function renderOne(c: Clause, get: Lookup, resolve: (p: Piece) => ResolvedValue): string {
  const inField = c.field !== undefined || c.groupField !== undefined;
  const prefix = fieldPrefix(c, get);
  const v = c.value;
  switch (v.kind) {
    case 'word': {
      const all = v.word.findIndex((p) => get(p)?.kind === 'all');
      if (all < 0) {
        return prefix + renderWord(v.word, inField ? 'value' : 'default', get);
      }
      const before = v.word.slice(0, all);
      const after = v.word.slice(all + 1);
      const starOnly = after.length === 0 || (after.length === 1 && after[0].kind === 'lit' && after[0].text === '*');
      if (before.length > 0 && starOnly && before.every((p) => get(p)?.kind !== 'all')) {
        // "pay$service" with All: any value starting with "pay".
        return prefix + renderWord(before, inField ? 'value' : 'default', get) + '*';
      }
      return exists(c, get);
    }
    case 'phrase':
      return renderPhrase(c, v.quote, v.pieces, v.suffix, get);
    case 'range':
      return prefix + v.open + renderBound(v.lower, get) + ' TO ' + renderBound(v.upper, get) + v.close;
    case 'compare':
      if (v.word.some((p) => get(p)?.kind === 'all')) {
        return exists(c, get);
      }
      return prefix + v.op + renderComparand(v.word, get);
    case 'set': {
      const items: string[] = [];
      for (const item of v.items) {
        if (item.length === 1 && item[0].kind === 'var') {
          const r = resolve(item[0]);
          if (r.kind === 'all') {
            return exists(c, get);
          }
          items.push(...(r.kind === 'text' ? [r.text] : r.values.map((s) => escapeTerm(s, 'bound'))));
          continue;
        }
        if (isQuoted(item)) {
          const spread = renderQuotedItem(item, resolve);
          if (spread === undefined) {
            return exists(c, get);
          }
          items.push(...spread);
          continue;
        }
        items.push(renderWord(item, 'bound', (p) => assignFirst(resolve(p))));
      }
      if (items.length === 0) {
        return c.groupField ? NOTHING_IN_GROUP : NOTHING;
      }
      return prefix + 'IN [' + items.join(' ') + ']';
    }
  }
}

// isQuoted says a set element was written in quotes (see the scanner's quotedItem).
function isQuoted(item: Word): boolean {
  const first = item[0];
  return first?.kind === 'lit' && (first.text === '"' || first.text === "'") && item.some((p) => p.kind === 'var');
}

// renderQuotedItem renders a quoted set element holding variables: a lone
// variable spreads into one quoted element per value; undefined means All.
function renderQuotedItem(item: Word, resolve: (p: Piece) => ResolvedValue): string[] | undefined {
  const quote = (item[0] as { text: string }).text;
  const inner = item.slice(1, item.length - 1);
  if (inner.length === 1 && inner[0].kind === 'var') {
    const r = resolve(inner[0]);
    if (r.kind === 'all') {
      return undefined;
    }
    return r.kind === 'text' ? [quote + r.text + quote] : r.values.map((v) => quote + escapePhraseText(v) + quote);
  }
  return [
    item
      .map((p) => {
        if (p.kind === 'lit') {
          return p.text;
        }
        const r = resolve(p);
        return r.kind === 'text' ? r.text : escapePhraseText(r.values.join(' '));
      })
      .join(''),
  ];
}

// assignFirst is used for a variable glued to other text inside a set
// element, where a set cannot spread it: its values are joined.
function assignFirst(r: ResolvedValue): Assigned {
  return r.kind === 'text' ? r : { kind: 'value', value: r.values.join(' ') };
}

function renderWord(word: Word, ctx: EscapeContext, get: Lookup): string {
  if (word.length === 1 && word[0].kind === 'var') {
    const a = get(word[0]);
    if (a?.kind === 'value') {
      return escapeTerm(a.value, ctx);
    }
  }
  return word
    .map((p, i) => {
      if (p.kind === 'lit') {
        return p.text;
      }
      const a = get(p);
      if (a === undefined || a.kind === 'all') {
        return p.ref.match;
      }
      return a.kind === 'text' ? a.text : escapeValue(a.value, ctx, false, i === 0);
    })
    .join('');
}

function renderBound(word: Word, get: Lookup): string {
  if (word.some((p) => get(p)?.kind === 'all')) {
    return '*';
  }
  return renderWord(word, 'bound', get);
}

function renderComparand(word: Word, get: Lookup): string {
  if (word.length === 1 && word[0].kind === 'var') {
    const a = get(word[0]);
    if (a?.kind === 'value') {
      return escapeComparand(a.value);
    }
  }
  return renderWord(word, 'bound', get);
}

function renderPhrase(c: Clause, quote: string, pieces: Piece[], suffix: string, get: Lookup): string {
  const prefix = fieldPrefix(c, get);
  // All inside a phrase cannot be expressed: keep the words around it, each as its own phrase.
  const parts: string[] = [];
  let cur = '';
  let endsWithAll = false;
  for (const p of pieces) {
    const a = p.kind === 'var' ? get(p) : undefined;
    if (a?.kind === 'all') {
      parts.push(cur);
      cur = '';
      endsWithAll = true;
      continue;
    }
    endsWithAll = false;
    if (p.kind === 'lit') {
      cur += p.text;
    } else if (a === undefined) {
      cur += p.ref.match;
    } else {
      cur += a.kind === 'text' ? a.text : escapePhraseText(a.value);
    }
  }
  parts.push(cur);
  if (parts.length === 1) {
    return prefix + quote + cur + quote + suffix;
  }
  const kept = parts.map((s) => s.trim()).filter((s) => s !== '');
  if (kept.length === 0) {
    return exists(c, get);
  }
  const phrases = kept.map(
    (s, i) => prefix + quote + s + quote + (i === kept.length - 1 && !endsWithAll ? suffix : '')
  );
  return phrases.length === 1 ? phrases[0] : '(' + phrases.join(' AND ') + ')';
}
