import { applyAdhocFilters, filterToClause } from './adhoc';

describe('filterToClause', () => {
  it.each([
    ['=', 'a b', undefined, 'k:a\\ b'],
    ['!=', 'x', undefined, 'NOT k:x'],
    ['<', '5', undefined, 'k:<5'],
    ['>', '=5', undefined, 'k:>\\=5'],
    ['=|', '', ['a', 'OR'], 'k:IN [a \\OR]'],
    ['=|', '', ['only'], 'k:only'],
    ['=|', '', [], '(NOT *)'],
    ['!=|', '', ['a', 'b'], 'NOT k:IN [a b]'],
    ['!=|', '', [], '*'],
    ['=~', '.*', undefined, 'k:*'],
    ['=~', '^web-.*$', undefined, 'k:web-*'],
    ['=~', 'a|b\\.c', undefined, 'k:IN [a b.c]'],
    ['=~', 'a|b.*', undefined, '(k:a OR k:b*)'],
    ['!~', 'a|b.*', undefined, 'NOT (k:a OR k:b*)'],
    ['=~', 'a[0-9]+', undefined, 'k:a\\[0-9\\]\\+'],
    ['=~', 'a.*b', undefined, 'k:a.\\*b'],
  ])('%s %j %j', (operator, value, values, want) => {
    expect(filterToClause({ key: 'k', operator, value, values })).toBe(want);
  });

  it('ignores operators it does not know', () => {
    expect(filterToClause({ key: 'k', operator: '~~', value: 'x' })).toBeUndefined();
    expect(applyAdhocFilters('q', [{ key: 'k', operator: '~~', value: 'x' }])).toBe('q');
  });
});
