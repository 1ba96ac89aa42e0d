/**
 * Adding, finding and removing `field:value` clauses in query text, for
 * Explore's filter for/out buttons and query modifications. Clauses are
 * found with the interpolation scanner, so quoting and escaping are honoured.
 */
import { escapeTerm, quotePhrase } from '../interpolation/escape';
import { scanQuery, Segment } from '../interpolation/scanner';

/** fieldClause writes `key:value` with both sides escaped. */
export function fieldClause(key: string, value: string): string {
  return escapeTerm(key, 'field') + ':' + escapeTerm(value, 'value');
}

/** phraseClause writes free text as a phrase searched in the default fields. */
export function phraseClause(text: string): string {
  return quotePhrase(text);
}

interface Found {
  segments: Segment[];
  index: number;
  negated: boolean;
}

function negationBefore(segments: Segment[], index: number): boolean {
  const prev = segments[index - 1];
  return prev?.kind === 'text' && /(^|[\s(])(-|NOT\s+)$/.test(prev.text);
}

function find(query: string, clause: string, negated: boolean): Found | undefined {
  const segments = scanQuery(query);
  const index = segments.findIndex(
    (s, i) => s.kind === 'clause' && s.text === clause && negationBefore(segments, i) === negated
  );
  return index < 0 ? undefined : { segments, index, negated };
}

/** hasClause says the query holds clause, negated or not as asked. */
export function hasClause(query: string, clause: string, negated = false): boolean {
  return find(query, clause, negated) !== undefined;
}

/** removeClause removes clause (and its negation) from the query and tidies the operators left. */
export function removeClause(query: string, clause: string, negated = false): string {
  const f = find(query, clause, negated);
  if (!f) {
    return query;
  }
  const parts = f.segments.map((s) => s.text);
  parts[f.index] = '';
  if (negated) {
    parts[f.index - 1] = parts[f.index - 1].replace(/(-|NOT\s+)$/, '');
  }
  return tidy(parts.join(''));
}

function tidy(q: string): string {
  let out = q.replace(/\s+/g, ' ').trim();
  for (let prev = ''; prev !== out;) {
    prev = out;
    out = out
      .replace(/\(\s*\)/g, '')
      .replace(/\b(AND|OR)\s+(AND|OR)\b/g, '$2')
      .replace(/^(AND|OR)\s+/, '')
      .replace(/\s+(AND|OR)$/, '')
      .replace(/\(\s*(AND|OR)\s+/g, '(')
      .replace(/\s+(AND|OR)\s*\)/g, ')')
      .trim();
  }
  return out;
}

/** addClause ANDs clause to the query, parenthesising a query that has an OR. */
export function addClause(query: string, clause: string): string {
  const q = query.trim();
  if (q === '' || q === '*') {
    return clause;
  }
  const hasOr = scanQuery(q).some((s) => s.kind === 'text' && /(^|[\s)])OR(?=[\s(]|$)/.test(s.text));
  return (hasOr && !isWrapped(q) ? '(' + q + ')' : q) + ' AND ' + clause;
}

// isWrapped says q is one parenthesised group: its first '(' closes at its end.
function isWrapped(q: string): boolean {
  if (!q.startsWith('(')) {
    return false;
  }
  let depth = 0;
  let quote = '';
  for (let i = 0; i < q.length; i++) {
    const c = q[i];
    if (c === '\\') {
      i++;
    } else if (quote !== '') {
      quote = c === quote ? '' : quote;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '(') {
      depth++;
    } else if (c === ')' && --depth === 0) {
      return i === q.length - 1;
    }
  }
  return false;
}
