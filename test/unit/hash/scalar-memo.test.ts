import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ScalarConfigMemo } from '../../../src/hash/scalar-memo.js';
import type { ValueMap } from '../../../src/values/value.js';

/** Each step: a config, then whether the memo should know it (`'hit'`), learn it (`'miss'`) or leave it to the caller (`'skip'`). */
type Step = readonly [ValueMap, 'hit' | 'miss' | 'skip'];

const CASES: readonly (readonly [string, readonly Step[]])[] = [
  ['a repeated scalar is found', [[{ p: 1n }, 'miss'], [{ p: 1n }, 'hit'], [{ p: 2n }, 'miss'], [{ p: 1n }, 'hit']]],
  ['int, float, bool and text that look alike stay apart', [[{ p: 1n }, 'miss'], [{ p: 1 }, 'miss'], [{ p: true }, 'miss'], [{ p: '1' }, 'miss'], [{ p: 1 }, 'hit']]],
  ['-0 is left to the caller; 0 is not', [[{ p: 0 }, 'miss'], [{ p: -0 }, 'skip'], [{ p: 0 }, 'hit']]],
  ['NaN is found again', [[{ p: NaN }, 'miss'], [{ p: NaN }, 'hit']]],
  ['null is a scalar', [[{ p: null }, 'miss'], [{ p: null }, 'hit']]],
  ['several keys: every value counts', [[{ p: 1n, q: 'a' }, 'miss'], [{ p: 1n, q: 'b' }, 'miss'], [{ p: 2n, q: 'a' }, 'miss'], [{ p: 1n, q: 'a' }, 'hit']]],
  ['other keys start over; so does another key order', [[{ p: 1n }, 'miss'], [{ q: 1n }, 'miss'], [{ p: 1n }, 'miss'], [{ p: 1n, q: 1n }, 'miss'], [{ q: 1n, p: 1n }, 'miss'], [{ q: 1n, p: 1n }, 'hit']]],
  ['lists, mappings and empty configs are left to the caller', [[{ p: [1n] }, 'skip'], [{ p: { q: 1n } }, 'skip'], [{}, 'skip'], [{ p: 1n, q: [1n] }, 'skip']]],
  ['an empty config first, and again', [[{}, 'skip'], [{}, 'skip'], [{ p: 1n }, 'miss'], [{}, 'skip'], [{ p: 1n }, 'miss']]],
  ['a config left to the caller does not forget the others', [[{ p: 1n }, 'miss'], [{ p: [1n] }, 'skip'], [{ p: 1n }, 'hit']]],
];

describe('ScalarConfigMemo', () => {
  for (const [name, steps] of CASES) {
    test(name, () => {
      const memo = new ScalarConfigMemo(100);
      steps.forEach(([config, expected], i) => {
        const id = `id-${JSON.stringify(config, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))}`;
        const found = memo.find(config);
        if (expected === 'hit') assert.equal(found, id, `step ${i}`);
        else assert.equal(found, undefined, `step ${i}`);
        memo.remember(id);
        // A skipped config is never remembered: asking again still leaves it to the caller.
        if (expected === 'skip') assert.equal(memo.find(config), undefined, `step ${i} again`);
      });
    });
  }

  test('past the limit it starts over, and still answers right', () => {
    const memo = new ScalarConfigMemo(2);
    for (const p of [1n, 2n, 3n]) {
      assert.equal(memo.find({ p }), undefined);
      memo.remember(`id-${p}`);
    }
    for (const p of [1n, 2n, 3n]) {
      const found = memo.find({ p });
      if (found !== undefined) assert.equal(found, `id-${p}`);
      memo.remember(`id-${p}`);
    }
  });
});
