/**
 * Escaping of values for Triage's query syntax. Each function mirrors its
 * namesake in pkg/query/printer.go so interpolated text parses to the value
 * the variable holds, never to syntax.
 */

/** Where an unquoted value is written; decides which characters need a backslash. */
export type EscapeContext = 'default' | 'field' | 'value' | 'bound';

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'TO', 'IN']);
const ALWAYS_RESERVED = new Set(['\\', '+', '^', '`', '"', '{', '}', '[', ']', '(', ')', '~', '!', '*', '$']);

/** isSpace matches Go's unicode.IsSpace, which the parser uses to end words. */
export function isSpace(ch: string): boolean {
  return /^[\s\u0085]$/u.test(ch) && ch !== '\ufeff';
}

function needsEscape(ch: string, first: boolean, ctx: EscapeContext): boolean {
  if (ALWAYS_RESERVED.has(ch)) {
    return true;
  }
  switch (ch) {
    case ':':
      return ctx === 'default' || ctx === 'field';
    case '-':
      return first && (ctx === 'default' || ctx === 'field');
    case "'":
      return first;
    case '<':
    case '>':
      return first && ctx === 'value';
  }
  return isSpace(ch);
}

/**
 * escapeValue writes s as an unquoted value in ctx. whole says s is the whole
 * word (so a reserved word such as OR must be escaped) and atStart that it
 * begins the word (so a leading '-', "'", '<' or '>' must be escaped).
 */
export function escapeValue(s: string, ctx: EscapeContext, whole = true, atStart = true): string {
  let out = whole && KEYWORDS.has(s) ? '\\' : '';
  let first = atStart;
  for (const ch of s) {
    if (needsEscape(ch, first, ctx)) {
      out += '\\';
    }
    out += ch;
    first = false;
  }
  return out;
}

/** escapeTerm writes a whole value in ctx; the empty value becomes the empty phrase. */
export function escapeTerm(s: string, ctx: EscapeContext): string {
  return s === '' ? '""' : escapeValue(s, ctx);
}

/** escapeComparand writes the value after '>', '>=', '<' or '<='. */
export function escapeComparand(s: string): string {
  if (s === '') {
    return '""';
  }
  return (s.startsWith('=') ? '\\' : '') + escapeValue(s, 'bound');
}

/**
 * escapePhraseText escapes s for the inside of a quoted phrase: the quotes,
 * the backslash, and '$' and '[' so the text never reads as a variable.
 */
export function escapePhraseText(s: string): string {
  return s.replace(/["'\\$[]/g, (c) => '\\' + c);
}

/** quotePhrase writes s as a double-quoted phrase, like Go's writeQuoted. */
export function quotePhrase(s: string): string {
  return '"' + escapePhraseText(s) + '"';
}
