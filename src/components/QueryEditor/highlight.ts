/**
 * Tokens for highlighting query text in the editor. Highlighting only
 * colours; whether the text is valid is the backend's parser's call
 * (the validate resource).
 */
import { isSpace } from '../../interpolation/escape';
import { variableAt } from '../../interpolation/variables';

/** What a run of query text is, for its colour. */
export type TokenKind = 'field' | 'keyword' | 'operator' | 'phrase' | 'variable' | 'wildcard' | 'text' | 'space';

/** One highlighted run; the tokens of a text concatenate back to it. */
export interface Token {
  kind: TokenKind;
  text: string;
}

const KEYWORD = /^(AND|OR|NOT|TO|IN)(?=[\s()[\]]|$)/;
const OPERATOR_CHARS = '()[]{}-+<>=';

/** tokenize cuts text into highlight tokens. */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const push = (kind: TokenKind, s: string) => {
    const last = out[out.length - 1];
    if (last && last.kind === kind && kind !== 'variable' && kind !== 'phrase') {
      last.text += s;
    } else {
      out.push({ kind, text: s });
    }
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    const ref = variableAt(text, i);
    if (ref) {
      push('variable', ref.match);
      i += ref.match.length;
      continue;
    }
    if (isSpace(c)) {
      push('space', c);
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) {
        j += text[j] === '\\' ? 2 : 1;
      }
      j = Math.min(j + 1, text.length);
      push('phrase', text.slice(i, j));
      i = j;
      continue;
    }
    const kw = KEYWORD.exec(text.slice(i));
    if (kw && (i === 0 || isSpace(text[i - 1]) || '()[:'.includes(text[i - 1]))) {
      push('keyword', kw[1]);
      i += kw[1].length;
      continue;
    }
    if (OPERATOR_CHARS.includes(c)) {
      push('operator', c);
      i++;
      continue;
    }
    if (c === '*') {
      push('wildcard', c);
      i++;
      continue;
    }
    // A word: up to a space, an operator or a variable; a field when ':' ends it.
    let j = i;
    while (j < text.length) {
      const d = text[j];
      if (d === '\\') {
        j += 2;
        continue;
      }
      if (isSpace(d) || d === ':' || d === '"' || '()[]{}*'.includes(d) || variableAt(text, j)) {
        break;
      }
      j++;
    }
    j = Math.min(j, text.length);
    if (j === i) {
      push('operator', c);
      i++;
      continue;
    }
    if (text[j] === ':') {
      push('field', text.slice(i, j + 1));
      i = j + 1;
      continue;
    }
    push('text', text.slice(i, j));
    i = j;
  }
  return out;
}
