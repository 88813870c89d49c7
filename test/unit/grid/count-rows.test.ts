import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gridOf } from '../../helpers/grid-of.js';
import { countRows, expandGrid, gridKeys } from '../../../src/grid/index.js';


const GRIDS: readonly string[] = [
  'a: [1, 2, 3]\nb: [x, y]',
  'pipeline: p',
  'include: [{a: 1}, {a: 2}]',
  'matrix: {a: [1, 2], b: [1, 2, 3]}\ninclude: [{a: 1, c: 1}, {a: 5}, {b: 3.0, d: 1}, {a: 2, b: 9}]',
  'matrix: {a: [1, 2], b: [x, y], c: [p, q, r]}\nsubmatrices: [{a: 1, d: [1, 2, 3]}, {a: 1, b: y, e: 1}, {f: [1, 2]}]\nsubmatrices1: [{c: q, g: [1, 2]}]',
  'matrix: {a: [1, 2], b: [x, y]}\nsubmatrices: [{a: 7, z: 1}]\ninclude: [{z: 1}]',
  'matrix: {a: [1, 2, 3]}\nexclude: [{a: 2}]\ninclude: [{a: 2, b: 1}, {a: 4}]',
  'matrices:\n  - matrix: {a: [1, 2]}\n  - include: [{b: 1}, {b: 2}]\n  - submatrices: [{c: [1, 2]}, {c: 3}]',
  'max_configs: 4\nmatrices:\n  - matrix: {a: [1, 2, 3]}\n  - matrix: {b: [1, 2, 3]}',
  'max_configs: 40\na: [1, 2]',
];

describe('countRows agrees with expandGrid', () => {
  for (const text of GRIDS) {
    for (const semantics of ['kwdagger', 'github'] as const) {
      const usesSubmatrices = text.includes('submatrices');
      if (semantics === 'github' && (usesSubmatrices || text === 'pipeline: p')) continue;
      test(`${semantics}: ${text.replace(/\n/g, ' | ')}`, () => {
        const grid = gridOf(`grid_semantics: ${semantics}\n${text}`);
        assert.equal(countRows(grid), [...expandGrid(grid)].length);
      });
    }
  }

  test('a million-row grid is counted without expanding it', () => {
    const axis = `[${Array.from({ length: 100 }, (_, i) => i).join(', ')}]`;
    const grid = gridOf(`a: ${axis}\nb: ${axis}\nc: ${axis}\nsubmatrices: [{a: 1, d: [1, 2]}]`);
    const started = performance.now();
    assert.equal(countRows(grid), 1_010_000);
    assert.ok(performance.now() - started < 1000);
  });
});

describe('gridKeys', () => {
  test('lists every key once, in written order, with the first span and every value', () => {
    const text = `
matrix:
  a: [1, 2]
  b: x
submatrices:
  - {a: 1, c: [p, q]}
include:
  - {b: y, d: [1, 2]}
exclude:
  - {e: 1, a: 2}
`;
    const keys = gridKeys(gridOf(text));
    assert.deepEqual(keys.map((k) => k.key), ['a', 'b', 'c', 'd', 'e']);
    assert.deepStrictEqual(
      keys.map((k) => k.values),
      [[1n, 2n, 1n], ['x', 'y'], ['p', 'q'], [[1n, 2n]], []],
    );
    for (const k of keys) {
      assert.ok(k.span);
      assert.equal(text.slice(k.span.start, k.span.end), k.key);
    }
    assert.equal(keys[0]?.span?.start, text.indexOf('a: [1, 2]'));
  });

  test('merges keys across matrices specs', () => {
    const keys = gridKeys(gridOf('matrices:\n  - matrix: {p.x: [1]}\n  - matrix: {p.x: [2], q.y: 3}'));
    assert.deepStrictEqual(keys.map((k) => [k.key, k.values]), [['p.x', [1n, 2n]], ['q.y', [3n]]]);
  });
});
