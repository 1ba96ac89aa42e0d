/**
 * Positions in query text. The backend reports errors as a 1-based rune
 * column; JavaScript strings index UTF-16 code units, where a character
 * outside the BMP (an emoji) takes two.
 */

/** indexOfColumn converts a 1-based rune column to a UTF-16 index into text. */
export function indexOfColumn(text: string, column: number): number {
  let index = 0;
  for (let runes = 1; runes < column && index < text.length; runes++) {
    const cp = text.codePointAt(index) ?? 0;
    index += cp > 0xffff ? 2 : 1;
  }
  return index;
}

/** markEnd is where the error mark starting at index ends: the rest of the word, at least one character. */
export function markEnd(text: string, index: number): number {
  if (index >= text.length) {
    return index;
  }
  let end = index + ((text.codePointAt(index) ?? 0) > 0xffff ? 2 : 1);
  while (end < text.length && !/[\s()]/.test(text[end]) && /[\w.\-/]/.test(text[end - 1])) {
    end++;
  }
  return end;
}

/** fieldPrefixAt returns the start and text of a field name being typed before caret, if any. */
export function fieldPrefixAt(text: string, caret: number): { start: number; prefix: string } | undefined {
  let quotes = 0;
  for (let i = 0; i < caret; i++) {
    if (text[i] === '\\') {
      i++;
    } else if (text[i] === '"') {
      quotes++;
    }
  }
  if (quotes % 2 === 1) {
    return undefined; // inside a phrase
  }
  let start = caret;
  while (start > 0 && /[\w.@-]/.test(text[start - 1])) {
    start--;
  }
  const wordStart = start;
  while (start < caret && (text[start] === '-' || text[start] === '+')) {
    start++;
  }
  const prefix = text.slice(start, caret);
  if (prefix === '' || (wordStart > 0 && !/[\s(]/.test(text[wordStart - 1])) || text[caret] === ':') {
    return undefined;
  }
  if (/^(AND|OR|NOT)$/.test(prefix)) {
    return undefined;
  }
  return { start, prefix };
}
