import { interpolateQuery } from './interpolate';
import { scanQuery } from './scanner';
import { installSceneVariables } from './sceneTemplateSrv';

// A small deterministic generator (mulberry32), so a failure names a seed that reproduces it.
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PARTS = [
  'service',
  ':',
  ' ',
  '$one',
  '$many',
  '${many}',
  '[[one]]',
  '$all',
  '$none',
  '"',
  "'",
  '\\',
  '(',
  ')',
  '[',
  ']',
  '{',
  '}',
  'IN',
  'TO',
  'AND',
  'OR',
  'NOT',
  '-',
  '*',
  '>',
  '<=',
  '😀',
  'x',
  '$__interval',
  '$',
  '${',
  '[[',
];

function randomQuery(next: () => number): string {
  const n = Math.floor(next() * 12);
  let s = '';
  for (let i = 0; i < n; i++) {
    s += PARTS[Math.floor(next() * PARTS.length)];
  }
  return s;
}

describe('scanner on arbitrary text', () => {
  beforeAll(() => {
    installSceneVariables({
      one: { value: 'a b', options: ['a b'] },
      many: { value: ['x', 'y:z'], options: ['x', 'y:z'], multi: true },
      all: { value: '$__all', options: ['p', 'q'], multi: true, includeAll: true },
      none: { value: [], options: ['p'], multi: true },
    });
  });

  it('cuts every text into segments that join back to it', () => {
    const next = rng(1);
    for (let i = 0; i < 3000; i++) {
      const q = randomQuery(next);
      expect(
        scanQuery(q)
          .map((s) => s.text)
          .join('')
      ).toBe(q);
    }
  });

  it('interpolates without throwing and leaves no selected variable behind', () => {
    const next = rng(2);
    // A reference escaped by a backslash stays literal; any other is replaced.
    const leftover = /(?<!\\)(\$(one|many|all|none)(?!\w)|\$\{(one|many|all|none)\}|\[\[(one|many|all|none)\]\])/;
    for (let i = 0; i < 3000; i++) {
      const q = randomQuery(next);
      const out = interpolateQuery(q);
      expect({ q, leftover: leftover.test(out) }).toEqual({ q, leftover: false });
    }
  });
});
