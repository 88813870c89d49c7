import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { isMemoScalar, ScalarPathMemo } from '../../../src/values/scalar-path-memo.js';
import type { Value } from '../../../src/values/value.js';

const at = (values: readonly Value[], i: number): Value => values[i] as Value;

/** Each step: a path, then whether the memo should know it (`'hit'`), learn it (`'miss'`) or leave it to the caller (`'skip'`). */
const CASES: readonly (readonly [string, readonly (readonly [Value[], 'hit' | 'miss' | 'skip'])[]])[] = [
  ['one value', [[[1n], 'miss'], [[1n], 'hit'], [[2n], 'miss'], [[1n], 'hit']]],
  ['paths that share a start', [[[1n, 'a'], 'miss'], [[1n, 'b'], 'miss'], [[1n, 'a'], 'hit'], [[1n, 'b'], 'hit']]],
  ['int, float, bool and text stay apart', [[[1n], 'miss'], [[1], 'miss'], [[true], 'miss'], [['1'], 'miss'], [[1n], 'hit'], [[1], 'hit']]],
  ['-0 is left to the caller, at any place', [[[0, 1n], 'miss'], [[-0, 1n], 'skip'], [[1n, -0], 'skip'], [[0, 1n], 'hit']]],
  ['null and NaN are scalars', [[[null, NaN], 'miss'], [[null, NaN], 'hit']]],
  ['lists and mappings are left to the caller', [[[[1n]], 'skip'], [[{ a: 1n }], 'skip'], [[1n, [1n]], 'skip'], [[1n, [1n]], 'skip']]],
];

describe('ScalarPathMemo', () => {
  for (const [name, steps] of CASES) {
    test(name, () => {
      const memo = new ScalarPathMemo(100);
      steps.forEach(([path, expected], i) => {
        const text = `text-${i}-${path.map(String).join(',')}`;
        const found = memo.find(path, path.length, at);
        if (expected === 'hit') assert.match(found ?? '', new RegExp(`-${path.map(String).join(',').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`), `step ${i}`);
        else assert.equal(found, undefined, `step ${i}`);
        memo.remember(text);
      });
    });
  }

  test('past the limit it starts over and still answers right', () => {
    const memo = new ScalarPathMemo(2);
    for (let round = 0; round < 3; round++) {
      for (const p of [1n, 2n, 3n]) {
        const found = memo.find([p], 1, at);
        if (found !== undefined) assert.equal(found, `t${p}`);
        memo.remember(`t${p}`);
      }
    }
  });

  test('an empty path is left to the caller', () => {
    const memo = new ScalarPathMemo(10);
    assert.equal(memo.find([], 0, at), undefined);
    memo.remember('empty');
    assert.equal(memo.find([], 0, at), undefined);
  });

  test('clear forgets', () => {
    const memo = new ScalarPathMemo(10);
    memo.find([1n], 1, at);
    memo.remember('one');
    memo.clear();
    assert.equal(memo.find([1n], 1, at), undefined);
  });

  const SCALARS: [Value, boolean][] = [[1n, true], [1, true], [0, true], [-0, false], [NaN, true], ['', true], [null, true], [false, true], [[], false], [{}, false]];
  for (const [value, expected] of SCALARS) test(`isMemoScalar(${Object.is(value, -0) ? '-0' : JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))})`, () => assert.equal(isMemoScalar(value), expected));
});
