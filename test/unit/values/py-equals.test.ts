import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pyEquals } from '../../../src/values/py-equals.js';
import type { Value } from '../../../src/values/value.js';

describe('pyEquals follows Python ==', () => {
  const cases: [Value, Value, boolean][] = [
    [1n, 1.0, true],
    [1n, true, true],
    [1.0, true, true],
    [0n, false, true],
    [2n, true, false],
    [1n, '1', false],
    [null, null, true],
    [null, 'None', false],
    [[1n, 2n], [1.0, 2n], true],
    [[1n], [1n, 2n], false],
    [{ a: 1n }, { a: 1.0 }, true],
    [{ a: 1n }, { b: 1n }, false],
    [0.5, 0.5, true],
    [2n ** 70n, 2 ** 70, true],
    [1.5, 1n, false],
    ['a', 'a', true],
  ];
  for (const [a, b, want] of cases) {
    test(`${String(a)} == ${String(b)} is ${want}`, () => {
      assert.equal(pyEquals(a, b), want);
      assert.equal(pyEquals(b, a), want);
    });
  }
});
