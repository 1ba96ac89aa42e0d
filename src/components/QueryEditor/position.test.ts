import { tokenize } from './highlight';
import { fieldPrefixAt, indexOfColumn, markEnd } from './position';

describe('indexOfColumn', () => {
  it.each([
    ['service:', 1, 0],
    ['service:', 9, 8],
    ['😀 a:', 3, 3],
    ['a😀b😀c', 5, 6],
    ['short', 99, 5],
  ])('maps %j column %i to UTF-16 index %i', (text, column, index) => {
    expect(indexOfColumn(text, column)).toBe(index);
  });
});

describe('markEnd', () => {
  it.each([
    ['level:erro^r', 10, 11],
    ['a fooBar b', 2, 8],
    ['😀x', 0, 2],
    ['end', 3, 3],
  ])('marks %j from %i to %i', (text, start, end) => {
    expect(markEnd(text, start)).toBe(end);
  });
});

describe('fieldPrefixAt', () => {
  it.each([
    ['sev', 3, { start: 0, prefix: 'sev' }],
    ['a AND -sev', 10, { start: 7, prefix: 'sev' }],
    ['(k8s.po', 7, { start: 1, prefix: 'k8s.po' }],
    ['service:pay', 11, undefined],
    ['"in a phr', 9, undefined],
    ['a OR', 4, undefined],
    ['', 0, undefined],
  ])('finds the field being typed in %j at %i', (text, caret, want) => {
    expect(fieldPrefixAt(text, caret)).toEqual(want);
  });
});

describe('tokenize', () => {
  it('keeps every character and classifies each run', () => {
    const text = 'service:${service} AND NOT msg:"a \\"b" OR latency_ms:[100 TO *] -x* [[v]]';
    const tokens = tokenize(text);
    expect(tokens.map((t) => t.text).join('')).toBe(text);
    expect(tokens.filter((t) => t.kind === 'variable').map((t) => t.text)).toEqual(['${service}', '[[v]]']);
    expect(tokens.filter((t) => t.kind === 'keyword').map((t) => t.text)).toEqual(['AND', 'NOT', 'OR', 'TO']);
    expect(tokens.filter((t) => t.kind === 'field').map((t) => t.text)).toEqual(['service:', 'msg:', 'latency_ms:']);
    expect(tokens.filter((t) => t.kind === 'phrase').map((t) => t.text)).toEqual(['"a \\"b"']);
  });
});
